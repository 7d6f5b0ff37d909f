import type { Ctx } from '../ctx';
import type { RunController } from '../run/runController';
import type { RunLocations } from '../run/locations';
import type { Secrets } from '../secrets';
import type { WorkspaceState } from '../state';

/** What the command factories share; built once in activate. */
export interface Services {
  ctx: Ctx;
  secrets: Secrets;
  state: WorkspaceState;
  locations: RunLocations;
  controller: RunController;
  /** Refreshes the Runs view and the context keys that depend on past runs. */
  refreshRuns(): void;
}
