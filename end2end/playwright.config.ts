// End-to-end tests: the release binary, started from an empty temporary directory (so it
// must serve its own embedded site), driven in Debian's Chromium. No browser is downloaded.
import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { localDeployer } from "./deployer/local";
import { githubServers } from "./github/servers";
import { awsEnv, motoServer } from "./aws/servers";
import { builderDir, startBuilder } from "./builder/sshd";

const port = Number(process.env.NIXDECK_E2E_PORT ?? 3457);
const baseURL = `http://127.0.0.1:${port}`;
// The workers load this file again: they find the runner's directory in the environment
// (tests write the stand-in's controls there), and leave the servers to the runner.
const inWorker = process.env.NIXDECK_E2E_WORKDIR !== undefined;
const workdir = (process.env.NIXDECK_E2E_WORKDIR ??= mkdtempSync(path.join(tmpdir(), "nixdeck-e2e-")));
const binary = path.resolve(__dirname, "../target/release/nixdeck");

export default defineConfig({
  testDir: "./tests",
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  workers: 2,
  reporter: [["list"]],
  outputDir: path.resolve(__dirname, "../target/end2end-results"),
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    },
  },
  projects: [
    {
      name: "chromium",
      testIgnore: /end-sessions\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], channel: undefined },
    },
    {
      name: "ending sessions",
      testMatch: /end-sessions\.spec\.ts/,
      dependencies: ["chromium"],
      use: { ...devices["Desktop Chrome"], channel: undefined },
    },
  ],
  webServer: inWorker ? [] : servers(),
  // Stops the builder's sshd, which is not a web server Playwright would stop itself.
  globalTeardown: "./builder/teardown.ts",
});

/**
 * AWS (moto), the dashboard under test (with the builder's sshd) and the GitHub
 * counterparts, started by the runner.
 */
function servers() {
  return [
    motoServer(),
    {
      command: `${binary} serve`,
      cwd: workdir,
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe" as const,
      stderr: "pipe" as const,
      env: {
        NIXDECK_LISTEN: `127.0.0.1:${port}`,
        NIXDECK_DATA_DIR: path.join(workdir, "data"),
        RUST_LOG: "warn",
        ...awsEnv(),
        ...localDeployer(workdir),
        ...startBuilder(builderDir()),
      },
    },
    ...githubServers(binary, workdir),
  ];
}
