import { DEFAULT_DATABASE_URL, withDatabaseName } from "@qmc/db";

/** The dashboard benchmark's own database: created, reset and filled by `npm run bench:seed`. */
export const BENCH_DASHBOARD_DB = "qmc_bench_dashboard";

export function benchDashboardUrl(): string {
  return withDatabaseName(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, BENCH_DASHBOARD_DB);
}

/** How the migration went over the seeded 30 days: day offsets from the start and the change made. */
export const BENCH_CONFIG_HISTORY: ReadonlyArray<{
  day: number;
  useNewQueueSystem: boolean;
  shadowMode: boolean;
  percent: number;
  paused?: boolean;
  reason: string;
}> = [
  { day: 0, useNewQueueSystem: false, shadowMode: false, percent: 0, reason: "initial configuration" },
  { day: 1, useNewQueueSystem: false, shadowMode: true, percent: 0, reason: "shadow mode on" },
  { day: 4, useNewQueueSystem: true, shadowMode: true, percent: 0, reason: "switch on at 0 %" },
  { day: 5, useNewQueueSystem: true, shadowMode: false, percent: 10, reason: "canary 10 %" },
  { day: 8, useNewQueueSystem: true, shadowMode: false, percent: 50, reason: "confidence 50 %" },
  { day: 10, useNewQueueSystem: false, shadowMode: false, percent: 50, reason: "rollback: p99 doubled" },
  { day: 10.25, useNewQueueSystem: true, shadowMode: false, percent: 50, reason: "fixed, back to 50 %" },
  { day: 12, useNewQueueSystem: true, shadowMode: false, percent: 100, reason: "full rollout" },
  {
    day: 20,
    useNewQueueSystem: true,
    shadowMode: false,
    percent: 100,
    paused: true,
    reason: "gate: error rate",
  },
  { day: 20.5, useNewQueueSystem: true, shadowMode: false, percent: 100, reason: "acknowledged" },
];
