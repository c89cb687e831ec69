// The builder of the end-to-end tests: the sshd fixture in its builder role, a real OpenSSH
// sshd on 127.0.0.1 whose user finds the host stand-in as darwin-rebuild, launchctl, sudo and
// the rest, so the dashboard under test reaches it over SSH as it would the Mac.
// (testkit/counterparts/sshd-fixture.sh and host-standin document what it answers.)
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const script = path.resolve(__dirname, "../../testkit/counterparts/sshd-fixture.sh");

/** One host stand-in invocation, as the stand-in records it. */
export type HostCall = {
  program: string;
  argv: string[];
  cwd: string | null;
  time: number;
  pid: number;
  sudo: boolean;
};

/**
 * The fixture's directory for this run: made by the runner, found by the workers in the
 * environment (they load the config again). Under /tmp, not the run's private workdir: the
 * SSH user must be able to traverse every directory above it.
 */
export function builderDir(): string {
  let dir = process.env.NIXDECK_E2E_BUILDER_DIR;
  if (dir === undefined) {
    dir = mkdtempSync("/tmp/nixdeck-e2e-builder-");
    chmodSync(dir, 0o755);
    process.env.NIXDECK_E2E_BUILDER_DIR = dir;
  }
  return dir;
}

/** Starts the builder's sshd in `dir`; returns the environment that points a nixdeck at it. */
export function startBuilder(dir: string): Record<string, string> {
  const out = execFileSync("bash", [script, "start", dir], {
    env: { ...process.env, SSHD_FIXTURE_ROLE: "builder" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const values = new Map<string, string>();
  for (const line of out.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 1));
  }
  const value = (key: string): string => {
    const found = values.get(key);
    if (found === undefined) throw new Error(`the sshd fixture printed no ${key}: ${out}`);
    return found;
  };
  return {
    NIXDECK_BUILDER_SSH: `${value("SSH_USER")}@127.0.0.1:${value("SSH_PORT")}`,
    // Owned by whoever started the fixture (root, as the fixture must run): so is nixdeck.
    NIXDECK_BUILDER_SSH_KEY: value("SSH_KEY"),
    NIXDECK_BUILDER_HOST_KEY: value("SSH_HOST_KEY"),
    NIXDECK_BUILDER_WORK_DIR: value("NIXOPS_ROOT"),
    // Probes often enough that a test sees the effect of its job within seconds.
    NIXDECK_BUILDER_PROBE_INTERVAL: "5",
  };
}

/** Stops the builder's sshd and everything its sessions still run (quiet if none). */
export function stopBuilder(dir: string): void {
  execFileSync("bash", [script, "stop", dir], { stdio: "inherit" });
}

/** Every host stand-in invocation on the builder so far, oldest first. */
export function builderCalls(dir: string): HostCall[] {
  const file = path.join(dir, "host-calls.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as HostCall);
}

/**
 * Shapes the builder's answers from now on (`{ SLEEP: "3" }` writes HOST_STANDIN_SLEEP=3),
 * replacing the controls set before: the builder is one host, shared by every test.
 */
export function builderControls(dir: string, controls: Record<string, string>): void {
  const lines = Object.entries(controls).map(([key, value]) => `HOST_STANDIN_${key}=${value}\n`);
  writeFileSync(path.join(dir, "host-control.env"), lines.join(""));
}
