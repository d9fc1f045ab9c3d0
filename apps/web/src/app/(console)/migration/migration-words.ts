import type { RouterOutputs } from "@qmc/api";
import type { StatusTone } from "~/components/status-badge";

export type BackgroundRun = RouterOutputs["migration"]["status"];
export type Plan = RouterOutputs["migration"]["plan"];

/** Statuses of a legacy order, in the order an order passes them. */
export const LEGACY_STATUS_ORDER = ["queued", "building", "running", "completed", "failed"] as const;

export const LEGACY_STATUS_MEANING: Record<(typeof LEGACY_STATUS_ORDER)[number], string> = {
  queued: "moves to the new system as PENDING",
  building: "finishes in legacy",
  running: "finishes in legacy",
  completed: "stays (done)",
  failed: "stays (failed)",
};

export const RUN_STATUS: Record<BackgroundRun["status"], { tone: StatusTone; text: string }> = {
  PLANNED: { tone: "unknown", text: "Dry run" },
  QUEUED: { tone: "warn", text: "Waiting for a worker" },
  RUNNING: { tone: "warn", text: "Running" },
  COMPLETED: { tone: "ok", text: "Completed" },
  FAILED: { tone: "bad", text: "Failed" },
  CANCELLED: { tone: "unknown", text: "Cancelled" },
};

export function isActive(run: Pick<BackgroundRun, "status">): boolean {
  return run.status === "QUEUED" || run.status === "RUNNING";
}

export const RUNS_LIMIT = 5;
export const PLAN_SAMPLE = 20;
