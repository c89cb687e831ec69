// Playwright's global teardown: stops the builder the config started (see sshd.ts).
import { stopBuilder } from "./sshd";

export default function teardown(): void {
  const dir = process.env.NIXDECK_E2E_BUILDER_DIR;
  if (dir !== undefined) stopBuilder(dir);
}
