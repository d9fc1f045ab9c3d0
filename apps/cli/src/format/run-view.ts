import type { RouterOutputs } from "@qmc/api";
import { block, dotted, formatCount, formatWhen, plain, quoted } from "./text.ts";

/** A background run as every migration procedure returns it (`status` adds its holder). */
type Run = RouterOutputs["migration"]["cancel"];
type DryRun = RouterOutputs["migration"]["dryRun"];
type Resubmission = RouterOutputs["audit"]["resubmit"];

const RUN_TYPES: Record<Run["type"], string> = {
  IN_FLIGHT_MIGRATION: "in-flight migration",
  BULK_RESUBMIT: "bulk resubmission",
};

/** One line of progress, as `migrate` prints it while it follows a run. */
export function runProgressLine(run: Run): string {
  return `run ${run.id}: ${run.status} ${run.processed}/${run.total} (moved ${run.moved}, skipped ${run.skipped}, failed ${run.failed})`;
}

/** A background run: what it is, how far it got, who started it and why. */
export function runView(run: Run, now: Date): string {
  return block([
    ["Run", dotted([run.id, RUN_TYPES[run.type], run.status])],
    [
      "Progress",
      dotted([
        `${formatCount(run.processed)} of ${formatCount(run.total)} processed`,
        `${formatCount(run.moved)} moved`,
        `${formatCount(run.skipped)} skipped`,
        `${formatCount(run.failed)} failed`,
      ]),
    ],
    ...(run.error ? [["Error", plain(run.error, 300)] as const] : []),
    ...(run.ownerWorkerId ? [["Worker", plain(run.ownerWorkerId, 100)] as const] : []),
    ["Started", `${formatWhen(run.createdAt, now)} by ${plain(run.actor, 80)}: ${quoted(run.reason, 80)}`],
    ...(run.finishedAt ? [["Ended", formatWhen(run.finishedAt, now)] as const] : []),
  ]);
}

/** The in-flight migration's dry run: how many legacy orders would move, by status. */
export function dryRunView({ run, plan }: DryRun, now: Date): string {
  const byStatus = Object.entries(plan.byStatus).map(([status, n]) => `${formatCount(n)} ${status}`);
  return block([
    [
      "Would move",
      `${formatCount(plan.toMove)} legacy order${plan.toMove === 1 ? "" : "s"} to the new system`,
    ],
    ["Legacy now", byStatus.length ? dotted(byStatus) : "no unmigrated orders"],
    ...(plan.sampleIds.length ? [["Sample", plan.sampleIds.slice(0, 3).join(", ")] as const] : []),
    ["Dry run", `${run.id}, ${formatWhen(run.createdAt, now)}; start it with qmc migrate --reason "…"`],
  ]);
}

/** The order a resubmission made, or the one the same key already made. */
export function resubmissionView(r: Resubmission): string {
  return block([
    ["Order", `${r.id} in the ${r.system === "NEW" ? "new" : "legacy"} system`],
    ["From", r.resubmittedFromId],
    ["Duplicate", r.duplicate ? "yes — this key already made that order; nothing new was submitted" : "no"],
  ]);
}
