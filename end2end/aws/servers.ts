// The AWS of the end-to-end tests: moto on 127.0.0.1, which every nixdeck under test reaches
// through the AWS SDK's standard variables, as it would reach AWS.
import { execFileSync } from "node:child_process";
import path from "node:path";

export const motoPort = Number(process.env.NIXDECK_E2E_MOTO_PORT ?? 3460);
const motoURL = `http://127.0.0.1:${motoPort}`;
const root = path.resolve(__dirname, "../..");
const python = path.join(root, ".venv/bin/python");

/** moto, as a Playwright `webServer` entry. */
export function motoServer() {
  return {
    command: `${python} ${path.join(root, "testkit/counterparts/moto-server.py")} --port ${motoPort}`,
    url: `${motoURL}/moto-api/config`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
  };
}

/** The environment that points a nixdeck at moto. */
export function awsEnv(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: motoURL,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/**
 * Leaves a cluster's machines and DNS in moto as NixOps would have (see seed.py); returns
 * what was made, by machine: instance id and address.
 */
export function seedCluster(cluster: string, domain: string, zone: string, stale: string): Record<string, string> {
  const out = execFileSync(
    python,
    [path.join(__dirname, "seed.py"), motoURL, cluster, domain, zone, stale],
    { encoding: "utf8" },
  );
  return JSON.parse(out);
}
