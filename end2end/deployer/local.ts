// The deployer of the end-to-end tests: nixdeck runs the runbook as local processes
// (NIXDECK_DEPLOYER_SSH=local, the default for a dashboard installed on the deployer), with
// the recording nixops stand-in first on its PATH and a local git repository standing in
// for disciplina-nixops. (The Rust tests cover the same jobs over SSH against a real sshd.)
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

const standIn = path.resolve(__dirname, "../../testkit/counterparts/nixops-standin");

function controlFile(workdir: string): string {
  return path.join(workdir, "nixops-controls");
}

/**
 * Shapes the stand-in's output for one cluster's calls from now on (`{ LINES: "2500" }` sets
 * NIXOPS_STANDIN_LINES for that deployment only), leaving other tests' clusters as they are.
 */
export function standInControls(cluster: string, controls: Record<string, string>): void {
  const workdir = process.env.NIXDECK_E2E_WORKDIR;
  if (!workdir) throw new Error("NIXDECK_E2E_WORKDIR is set by the Playwright config");
  const lines = Object.entries(controls).map(([key, value]) => `NIXOPS_STANDIN_${key}@${cluster}=${value}\n`);
  appendFileSync(controlFile(workdir), lines.join(""));
}

/** Makes the deployer's directories in `workdir`; returns the environment nixdeck needs. */
export function localDeployer(workdir: string): Record<string, string> {
  const bin = path.join(workdir, "deployer-bin");
  const root = path.join(workdir, "nixops-root");
  const work = path.join(workdir, "repo-work");
  const bare = path.join(workdir, "disciplina-nixops.git");
  mkdirSync(bin, { recursive: true });
  mkdirSync(root, { recursive: true });
  // The clone of a deployment made by hand, before nixdeck (the runbook's step 1).
  mkdirSync(path.join(root, "e2e-legacy", "disciplina-nixops"), { recursive: true });
  mkdirSync(path.join(work, "deployments"), { recursive: true });
  symlinkSync(standIn, path.join(bin, "nixops"));
  writeFileSync(path.join(work, "deployments", "cluster.nix"), "{ }\n");
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "e2e",
        GIT_AUTHOR_EMAIL: "e2e@localhost",
        GIT_COMMITTER_NAME: "e2e",
        GIT_COMMITTER_EMAIL: "e2e@localhost",
      },
      stdio: "ignore",
    });
  git("init", "--quiet", "--initial-branch=master", work);
  git("-C", work, "add", ".");
  git("-C", work, "commit", "--quiet", "-m", "cluster");
  git("clone", "--quiet", "--bare", work, bare);
  return {
    PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    NIXDECK_DEPLOYER_SSH: "local",
    NIXDECK_NIXOPS_ROOT: root,
    NIXDECK_NIXOPS_REPO_URL: bare,
    NIXOPS_STANDIN_RECORD: path.join(workdir, "nixops-calls.jsonl"),
    NIXOPS_STANDIN_STATE: path.join(workdir, "nixops-state.json"),
    // What a test asks of one cluster's nixops calls (see standInControls).
    NIXOPS_STANDIN_CONTROL: controlFile(workdir),
    // Each deploy pass takes a second, so a viewer sees the log arrive while it runs.
    NIXOPS_STANDIN_SLEEP: "1",
    // A deployment made before nixdeck, for the Deployer page to adopt.
    NIXOPS_STANDIN_DEPLOYMENTS: "deployer,e2e-legacy:21",
  };
}
