// The GitHub sign-in setup of the end-to-end tests: the GitHub stand-in, and a nixdeck
// configured to use it (beside the local-mode nixdeck the other tests use).
import path from "node:path";
import { awsEnv } from "../aws/servers";
import { localDeployer } from "../deployer/local";

export const githubPort = Number(process.env.NIXDECK_E2E_GITHUB_PORT ?? 3458);
export const standInPort = Number(process.env.NIXDECK_E2E_STANDIN_PORT ?? 3459);
export const githubBaseURL = `http://127.0.0.1:${githubPort}`;
const standInURL = `http://127.0.0.1:${standInPort}`;
const people = path.resolve(__dirname, "people.json");
const standIn = path.resolve(__dirname, "../../testkit/counterparts/github-standin.mjs");

/** The two servers, as Playwright `webServer` entries. */
export function githubServers(binary: string, workdir: string) {
  return [
    {
      command: `node ${standIn} --port ${standInPort} --config ${people}`,
      url: `${standInURL}/_standin/requests`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "pipe" as const,
      stderr: "pipe" as const,
    },
    {
      command: `${binary} serve`,
      cwd: workdir,
      url: `${githubBaseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe" as const,
      stderr: "pipe" as const,
      env: {
        NIXDECK_LISTEN: `127.0.0.1:${githubPort}`,
        NIXDECK_DATA_DIR: path.join(workdir, "github-data"),
        NIXDECK_GITHUB_CLIENT_ID: "Iv1.nixdeck-e2e",
        NIXDECK_GITHUB_CLIENT_SECRET: "github-client-secret-for-e2e",
        NIXDECK_GITHUB_ORG: "acme",
        NIXDECK_GITHUB_ADMIN_TEAM: "platform-admins",
        NIXDECK_GITHUB_OPERATOR_TEAM: "deployers",
        NIXDECK_GITHUB_URL: standInURL,
        NIXDECK_GITHUB_API_URL: `${standInURL}/api/v3`,
        RUST_LOG: "warn",
        ...awsEnv(),
        // Its own deployer (state, clones, recorded calls), apart from the other nixdeck's.
        ...localDeployer(path.join(workdir, "github-deployer")),
      },
    },
  ];
}
