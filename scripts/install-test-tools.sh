#!/usr/bin/env bash
# Installs what the tests need beyond the build tools: Debian's Chromium (the browser the
# end-to-end tests drive; no browser is downloaded), the PostgreSQL server (a throwaway
# instance is started per test run), the OpenSSH server (a throwaway sshd on 127.0.0.1 is
# started per test run by testkit/counterparts/sshd-fixture.sh), systemd's tools (to check
# the service unit; no service is started), Nix's parser (Debian's nix-bin: `nix-instantiate
# --parse` checks the Nix packaging; nothing is built with Nix), plus the unprivileged user
# `nixdeck-test` those sshd instances log in, and moto (the AWS the tests talk to) in the
# project's virtual environment. Idempotent: returns at once when all are present.
# The system's own sshd is never left running: the package's service is kept from starting
# and disabled.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[install-test-tools] %s\n' "$*" >&2; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
command -v nix-instantiate >/dev/null 2>&1 || missing+=(nix-bin)

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  # Keep maintainer scripts from starting services (the system sshd on port 22 in
  # particular): a policy-rc.d that says no, unless the machine already has one.
  own_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo_cmd[@]}" chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  status=0
  "${sudo_cmd[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    status=$?
  [ -z "$own_policy" ] || "${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d
  [ "$status" -eq 0 ] || exit "$status"
  if [[ " ${missing[*]} " == *" openssh-server "* ]]; then
    # Whatever started anyway (no policy-rc.d honoured, systemd socket activation), stop it
    # and keep it from starting at boot. Any of these tools may be missing in a container.
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
      "${sudo_cmd[@]}" systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1 || true
    else
      if command -v systemctl >/dev/null 2>&1; then
        "${sudo_cmd[@]}" systemctl disable ssh.service ssh.socket >/dev/null 2>&1 || true
      fi
      if command -v service >/dev/null 2>&1; then
        "${sudo_cmd[@]}" service ssh stop >/dev/null 2>&1 || true
      fi
      if command -v update-rc.d >/dev/null 2>&1; then
        "${sudo_cmd[@]}" update-rc.d ssh disable >/dev/null 2>&1 || true
      fi
    fi
  fi
fi

# The unprivileged user the test sshd instances log in (root would not receive signals from
# the client). Its password field must not be the locked `!`: sshd without PAM refuses
# locked accounts, and `*` (no password can match) is not locked.
if ! id -u nixdeck-test >/dev/null 2>&1; then
  log "creating user nixdeck-test"
  "${sudo_cmd[@]}" useradd --create-home --shell /bin/sh nixdeck-test
  "${sudo_cmd[@]}" usermod -p '*' nixdeck-test
else
  shadow=$("${sudo_cmd[@]}" getent shadow nixdeck-test || true)
  shadow=${shadow#*:}
  [ "${shadow:0:1}" != '!' ] || "${sudo_cmd[@]}" usermod -p '*' nixdeck-test
fi

bash scripts/install-moto.sh
bash scripts/install-build-tools.sh
