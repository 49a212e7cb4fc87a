import { ensureWebBuild } from '../../../modeler/scripts/web-build.js';

/** vitest globalSetup: the browser tests serve modeler/dist, so build it once per run when stale. */
export default async function setup(): Promise<void> {
  await ensureWebBuild({ quiet: true });
}
