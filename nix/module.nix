# services.nixdeck: nixdeck as a NixOS service, with the sandbox of contrib/nixdeck.service.
#
# Settings are written to nixdeck.toml (in the Nix store, so world-readable: no secrets
# there); secrets (OAuth client secrets, a database password) go in `environmentFile` as
# NIXDECK_* lines, which win over the file; the SSH private keys are handed to the service as
# systemd credentials. `nixdeck-admin` runs the other subcommands (token, audit verify,
# check-config, migrate) the way the service runs.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.services.nixdeck;
  inherit (lib) mkOption types;

  settingsFormat = pkgs.formats.toml { };

  user = "nixdeck";
  group = "nixdeck";
  stateDir = "/var/lib/nixdeck";
  anchorDir = "/var/lib/nixdeck-anchor";

  # sqlx reads `host=/run/postgresql` as the socket directory; nixdeck requires the URL to
  # name a host, which the socket then overrides. Peer authentication maps the `nixdeck`
  # system user to the `nixdeck` role.
  localDatabaseUrl = "postgres://nixdeck@localhost/nixdeck?host=/run/postgresql";

  # Every value nixdeck.toml accepts is a string; numbers are written as strings.
  settingValue = types.coercedTo types.int toString types.str;

  absolutePath = types.strMatching "/.*";

  fileSettings = lib.filterAttrs (_: value: value != null) cfg.settings;
  configFile = settingsFormat.generate "nixdeck.toml" fileSettings;

  credentials =
    lib.optional (cfg.deployer.sshKeyFile != null) "deployer-key:${cfg.deployer.sshKeyFile}"
    ++ lib.optional (cfg.builder.sshKeyFile != null) "builder-key:${cfg.builder.sshKeyFile}";

  listenPort =
    let
      port = builtins.match ".*:([0-9]+)" cfg.settings.listen;
    in
    if port == null then null else lib.toInt (builtins.head port);

  loopbackListen =
    lib.hasPrefix "127." cfg.settings.listen
    || lib.hasPrefix "[::1]" cfg.settings.listen
    || lib.hasPrefix "localhost:" cfg.settings.listen;

  # Directories outside the two state directories that nixdeck writes to. The runbook's are
  # optional ("-"): without the NixOps root nixdeck still starts, and says what is missing.
  inStateDirs = path: lib.any (dir: path == dir || lib.hasPrefix "${dir}/" path) [
    stateDir
    anchorDir
  ];
  extraWritablePaths =
    lib.unique (
      lib.filter (path: !inStateDirs path) [
        cfg.settings.data_dir
        (dirOf cfg.settings.audit_anchor)
      ]
    )
    ++ lib.optionals cfg.localDeployer.enable (map (path: "-${path}") cfg.localDeployer.readWritePaths);

  # Settings whose values are secrets: never in the world-readable store.
  secretKeys = [
    "github_client_secret"
    "oidc_client_secret"
    "github_webhook_secret"
    "github_deploy_token"
    "slack_signing_secret"
  ];
  secretsInSettings = lib.filter (key: cfg.settings ? ${key}) secretKeys;
  carriesPassword = value: value != null && builtins.match "[a-z]+://[^/@]*:[^/@]*@.*" value != null;

  adminLauncher = pkgs.writeShellScript "nixdeck-admin-launcher" ''
    set -eu
    ${lib.optionalString (
      cfg.deployer.sshKeyFile != null
    ) ''export NIXDECK_DEPLOYER_SSH_KEY="$CREDENTIALS_DIRECTORY/deployer-key"''}
    ${lib.optionalString (
      cfg.builder.sshKeyFile != null
    ) ''export NIXDECK_BUILDER_SSH_KEY="$CREDENTIALS_DIRECTORY/builder-key"''}
    exec ${lib.getExe cfg.package} --config ${configFile} "$@"
  '';

  adminCommand = pkgs.writeShellScriptBin "nixdeck-admin" ''
    # Runs `nixdeck --config ... ARGS` as the service does: as ${user}, with the same settings,
    # environment file and SSH keys, in a transient unit. Run it as root.
    exec ${config.systemd.package}/bin/systemd-run --quiet --pipe --wait --collect \
      --expand-environment=no \
      --uid=${user} --gid=${group} \
      --working-directory=${stateDir} \
      --property=UMask=0077 \
      ${lib.optionalString (
        cfg.environmentFile != null
      ) "--property=EnvironmentFile=${lib.escapeShellArg cfg.environmentFile}"} \
      ${lib.concatMapStringsSep " " (c: "--property=LoadCredential=${lib.escapeShellArg c}") credentials} \
      ${adminLauncher} "$@"
  '';
in
{
  options.services.nixdeck = {
    enable = lib.mkEnableOption "nixdeck, the control plane of the NixOps deployer";

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./nix/package.nix { }";
      description = "The nixdeck package (the flake's module sets it to the flake's own build).";
    };

    settings = mkOption {
      default = { };
      description = ''
        nixdeck's settings, written to `nixdeck.toml`. Keys are the NIXDECK_* variable names
        in lowercase without the prefix (see `.env.example`); every value is a string
        (numbers are converted). The file is in the Nix store, readable by everyone: secrets
        go in {option}`services.nixdeck.environmentFile`, the SSH keys in
        {option}`services.nixdeck.deployer.sshKeyFile` and
        {option}`services.nixdeck.builder.sshKeyFile`.
      '';
      example = lib.literalExpression ''
        {
          listen = "0.0.0.0:3000";
          public_url = "https://deck.example.com";
          github_client_id = "Iv1.0123456789abcdef";
          github_org = "acme";
          github_admin_team = "platform-admins";
          github_operator_team = "deployers";
          aws_region = "eu-central-1";
        }
      '';
      type = types.submodule {
        freeformType = types.attrsOf settingValue;
        options = {
          listen = mkOption {
            type = types.str;
            default = "127.0.0.1:3000";
            description = ''
              Address and port the HTTP server binds. Without a sign-in provider nixdeck runs
              in local mode and only accepts a loopback address.
            '';
          };
          public_url = mkOption {
            type = types.nullOr types.str;
            default = null;
            example = "https://deck.example.com";
            description = "The URL people reach nixdeck at (links, OAuth redirects); default http:// plus `listen`.";
          };
          data_dir = mkOption {
            type = absolutePath;
            default = stateDir;
            description = ''
              Where nixdeck keeps its files (the embedded SQLite database by default).
              Another directory must exist and be owned by `${user}`.
            '';
          };
          audit_anchor = mkOption {
            type = absolutePath;
            default = "${anchorDir}/audit-anchor";
            description = ''
              The file every committed head of the audit chain is appended to: beside the data,
              not in it, so that whoever can rewrite the database does not rewrite this too.
            '';
          };
          database_url = mkOption {
            type = types.nullOr types.str;
            default = if cfg.database.createLocally then localDatabaseUrl else null;
            defaultText = lib.literalExpression ''
              if config.services.nixdeck.database.createLocally
              then "${localDatabaseUrl}"
              else null  # sqlite://$data_dir/nixdeck.db
            '';
            description = ''
              `sqlite:` (embedded) or `postgres://`. A URL with a password belongs in
              {option}`services.nixdeck.environmentFile` as NIXDECK_DATABASE_URL instead.
            '';
          };
          log_format = mkOption {
            type = types.enum [
              "text"
              "json"
            ];
            default = "json";
            description = "How log lines on standard error (the journal) look.";
          };
          deployer_ssh = mkOption {
            type = types.str;
            default = "local";
            example = "nixops@deployer.internal:22";
            description = ''
              Where the runbook's commands run: `local` (nixdeck installed on the deployer) or
              `user@host[:port]` of the deployer (then also set `deployer_host_key` and
              {option}`services.nixdeck.deployer.sshKeyFile`).
            '';
          };
          nixops_root = mkOption {
            type = absolutePath;
            default = "/var/lib/nixops";
            description = "The NixOps root on the deployer.";
          };
        };
      };
    };

    environmentFile = mkOption {
      type = types.nullOr absolutePath;
      default = null;
      example = "/run/secrets/nixdeck.env";
      description = ''
        A file of NIXDECK_*=value lines read by systemd (as root) and passed to nixdeck as
        environment variables, which win over {option}`services.nixdeck.settings`: the OAuth
        client secrets (NIXDECK_GITHUB_CLIENT_SECRET, NIXDECK_OIDC_CLIENT_SECRET), a database
        URL with a password, a repository URL with a token, and any other secret. Give it as a
        string, not a Nix path, so it is not copied into the Nix store.
      '';
    };

    deployer.sshKeyFile = mkOption {
      type = types.nullOr absolutePath;
      default = null;
      example = "/run/secrets/nixdeck-deployer-key";
      description = ''
        The private key nixdeck logs in to the deployer with (when `settings.deployer_ssh`
        names a host). Read by systemd as root and handed to the service as a credential
        (`LoadCredential=`), so the file may stay readable by root only. A string, not a Nix
        path.
      '';
    };

    builder.sshKeyFile = mkOption {
      type = types.nullOr absolutePath;
      default = null;
      example = "/run/secrets/nixdeck-builder-key";
      description = ''
        The private key nixdeck logs in to the macOS builder with (with `settings.builder_ssh`
        and `settings.builder_host_key`). Handed over like
        {option}`services.nixdeck.deployer.sshKeyFile`.
      '';
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Whether to open the port of `settings.listen` in the firewall.";
    };

    database.createLocally = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether to run a local PostgreSQL with a `nixdeck` database owned by a `nixdeck` role,
        reached over its Unix socket with peer authentication, and point
        `settings.database_url` at it. Without it, nixdeck uses its embedded SQLite database.
      '';
    };

    localDeployer = {
      enable = mkOption {
        type = types.bool;
        default = cfg.settings.deployer_ssh == "local";
        defaultText = lib.literalExpression ''config.services.nixdeck.settings.deployer_ssh == "local"'';
        description = ''
          Whether nixdeck runs the runbook as local processes on this machine (the deployer):
          the `nixops` wrapper uses sudo, so this lifts the parts of the sandbox that forbid it
          (NoNewPrivileges, RestrictSUIDSGID, the empty capability bounding set), makes the
          NixOps root writable, shares /tmp with the host (NixOps' SSH control sockets) and
          lets commands outlive a stop or restart of nixdeck (KillMode=process; nixdeck takes
          their jobs back when it starts). The sudo rules the wrapper relies on, and write
          access for `${user}` to the NixOps root, are the deployer configuration's to give.
        '';
      };
      readWritePaths = mkOption {
        type = types.listOf absolutePath;
        default = [ cfg.settings.nixops_root ];
        defaultText = lib.literalExpression "[ config.services.nixdeck.settings.nixops_root ]";
        description = "Paths the runbook's commands write to (the rest of the system stays read-only).";
      };
      path = mkOption {
        type = with types; listOf (oneOf [ package str ]);
        default = [
          "/run/wrappers" # the setuid sudo, first
          pkgs.bash
          pkgs.coreutils
          pkgs.util-linux # setsid
          pkgs.procps # ps
          pkgs.gawk
          pkgs.git
          pkgs.openssh
          "/run/current-system/sw" # nixops, as the deployer's configuration installs it
        ];
        defaultText = lib.literalExpression ''
          [ "/run/wrappers" pkgs.bash pkgs.coreutils pkgs.util-linux pkgs.procps pkgs.gawk
            pkgs.git pkgs.openssh "/run/current-system/sw" ]
        '';
        description = ''
          The service's PATH in local mode: nixdeck runs `nixops`, `git`, `sh`, `setsid`,
          `tail` and `ps` from it (a string adds its `bin`).
        '';
      };
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = secretsInSettings == [ ];
        message = "services.nixdeck.settings: ${lib.concatStringsSep ", " secretsInSettings} would be world-readable in the Nix store; set ${lib.concatMapStringsSep ", " (key: "NIXDECK_${lib.toUpper key}") secretsInSettings} in services.nixdeck.environmentFile instead.";
      }
      {
        assertion = cfg.deployer.sshKeyFile == null || cfg.settings.deployer_ssh != "local";
        message = "services.nixdeck.deployer.sshKeyFile is set but settings.deployer_ssh is \"local\"; name the deployer (user@host[:port]) or drop the key.";
      }
      {
        assertion = !(cfg.deployer.sshKeyFile != null && cfg.settings ? deployer_ssh_key);
        message = "services.nixdeck: set the deployer key with deployer.sshKeyFile or settings.deployer_ssh_key, not both.";
      }
      {
        assertion = !(cfg.builder.sshKeyFile != null && cfg.settings ? builder_ssh_key);
        message = "services.nixdeck: set the builder key with builder.sshKeyFile or settings.builder_ssh_key, not both.";
      }
      {
        assertion = !cfg.openFirewall || listenPort != null;
        message = "services.nixdeck.openFirewall: cannot find a port in settings.listen (${cfg.settings.listen}).";
      }
    ];

    warnings =
      lib.optional (carriesPassword cfg.settings.database_url) "services.nixdeck.settings.database_url carries a password, which ends up world-readable in the Nix store; set NIXDECK_DATABASE_URL in services.nixdeck.environmentFile instead."
      ++ lib.optional (carriesPassword (cfg.settings.nixops_repo_url or null)) "services.nixdeck.settings.nixops_repo_url carries credentials, which end up world-readable in the Nix store; set NIXDECK_NIXOPS_REPO_URL in services.nixdeck.environmentFile instead."
      ++ lib.optional (cfg.openFirewall && loopbackListen) "services.nixdeck.openFirewall is set but settings.listen (${cfg.settings.listen}) is a loopback address.";

    users.users.${user} = {
      isSystemUser = true;
      inherit group;
      home = stateDir;
      description = "nixdeck service user";
    };
    users.groups.${group} = { };

    services.postgresql = lib.mkIf cfg.database.createLocally {
      enable = true;
      ensureDatabases = [ "nixdeck" ];
      ensureUsers = [
        {
          name = user;
          ensureDBOwnership = true;
        }
      ];
    };

    networking.firewall.allowedTCPPorts = lib.mkIf (cfg.openFirewall && listenPort != null) [
      listenPort
    ];

    environment.systemPackages = [ adminCommand ];

    systemd.services.nixdeck = {
      description = "nixdeck, the control plane of the NixOps deployer";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      # postgresql.target covers the server and the setup that creates the database and role.
      requires = lib.optional cfg.database.createLocally "postgresql.target";
      after = [ "network-online.target" ] ++ lib.optional cfg.database.createLocally "postgresql.target";

      path = lib.optionals cfg.localDeployer.enable cfg.localDeployer.path;

      # %d is the unit's credentials directory (systemd 248 and later expand it here).
      environment =
        lib.optionalAttrs (cfg.deployer.sshKeyFile != null) {
          NIXDECK_DEPLOYER_SSH_KEY = "%d/deployer-key";
        }
        // lib.optionalAttrs (cfg.builder.sshKeyFile != null) {
          NIXDECK_BUILDER_SSH_KEY = "%d/builder-key";
        };

      serviceConfig = lib.mkMerge [
        {
          # READY=1 once migrated and listening; STOPPING=1 as soon as asked to stop (running
          # jobs are let go of, and the next start takes them back).
          Type = "notify";
          NotifyAccess = "main";
          ExecStart = "${lib.getExe cfg.package} --config ${configFile} serve";
          EnvironmentFile = lib.mkIf (cfg.environmentFile != null) cfg.environmentFile;
          LoadCredential = credentials;
          User = user;
          Group = group;
          StateDirectory = [
            "nixdeck"
            "nixdeck-anchor"
          ];
          StateDirectoryMode = "0700";
          WorkingDirectory = stateDir;
          ReadWritePaths = extraWritablePaths;
          Restart = "on-failure";
          RestartSec = "2s";
          TimeoutStartSec = "5min";
          TimeoutStopSec = "30s";

          # The sandbox of contrib/nixdeck.service: nixdeck needs its state directories, the
          # network, and nothing else of the host.
          UMask = "0077";
          NoNewPrivileges = true;
          ProtectSystem = "strict";
          ProtectHome = true;
          PrivateTmp = true;
          PrivateDevices = true;
          ProtectKernelTunables = true;
          ProtectKernelModules = true;
          ProtectKernelLogs = true;
          ProtectControlGroups = true;
          ProtectClock = true;
          ProtectHostname = true;
          ProtectProc = "invisible";
          RestrictAddressFamilies = [
            "AF_UNIX"
            "AF_INET"
            "AF_INET6"
          ];
          RestrictNamespaces = true;
          RestrictRealtime = true;
          RestrictSUIDSGID = true;
          LockPersonality = true;
          MemoryDenyWriteExecute = true;
          SystemCallArchitectures = "native";
          SystemCallFilter = [ "@system-service" ];
          SystemCallErrorNumber = "EPERM";
          CapabilityBoundingSet = "";
          AmbientCapabilities = "";
        }
        # Local deployer: what contrib/nixdeck.service's comments put in a drop-in. sudo (no
        # NoNewPrivileges, setuid allowed, the capabilities it switches users with), the
        # NixOps root writable (ReadWritePaths above), NixOps' SSH sockets in the host's /tmp,
        # and commands that outlive a stop or restart of nixdeck (by default systemd would kill
        # everything in the unit's cgroup).
        (lib.mkIf cfg.localDeployer.enable {
          NoNewPrivileges = lib.mkForce false;
          RestrictSUIDSGID = lib.mkForce false;
          CapabilityBoundingSet = lib.mkForce [
            "CAP_SETUID"
            "CAP_SETGID"
            "CAP_AUDIT_WRITE"
          ];
          PrivateTmp = lib.mkForce false;
          KillMode = "process";
        })
      ];
    };
  };
}
