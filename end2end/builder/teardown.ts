// Playwright's global teardown: stops the builder the config started (see sshd.ts), and
// removes its directory (its keys among it).
import { rmSync } from "node:fs";
import { stopBuilder } from "./sshd";

export default function teardown(): void {
  const dir = process.env.NIXDECK_E2E_BUILDER_DIR;
  if (dir === undefined) return;
  stopBuilder(dir);
  rmSync(dir, { recursive: true, force: true });
}
