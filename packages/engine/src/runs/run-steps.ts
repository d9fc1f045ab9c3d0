import type { BackgroundRunType } from "@qmc/db";
import { inFlightMigrationStep } from "../migration/migration-step.ts";
import { bulkResubmitStep } from "../resubmission/bulk-resubmit-step.ts";
import type { RunDeps, RunStep } from "./run-step.ts";

/** The batch of each kind of background run. */
export function stepFor(type: BackgroundRunType, deps: RunDeps): RunStep {
  switch (type) {
    case "IN_FLIGHT_MIGRATION":
      return inFlightMigrationStep(deps);
    case "BULK_RESUBMIT":
      return bulkResubmitStep(deps);
  }
}
