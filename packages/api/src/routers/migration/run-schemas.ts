import { z } from "zod";

/**
 * A background run (in-flight migration or bulk re-submission) with its progress: what the console's
 * progress bars read. `processed` counts every item looked at; it reaches `total` when the run
 * completes (moved + skipped + failed = processed).
 */
export const ZBackgroundRun = z.object({
  id: z.string(),
  type: z.enum(["IN_FLIGHT_MIGRATION", "BULK_RESUBMIT"]),
  /** QUEUED: waiting for a worker; RUNNING: a worker has it; then COMPLETED, FAILED or CANCELLED. */
  status: z.enum(["PLANNED", "QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"]),
  dryRun: z.boolean(),
  filter: z.unknown(),
  plan: z.unknown(),
  total: z.number().int(),
  processed: z.number().int(),
  moved: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  cursor: z.string().nullable(),
  actor: z.string(),
  reason: z.string(),
  error: z.string().nullable(),
  /** The worker running it now (or the last one, once it ended). */
  ownerWorkerId: z.string().nullable(),
  cancelRequestedAt: z.date().nullable(),
  cancelRequestedBy: z.string().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  updatedAt: z.date(),
});

/** A start answers at once with the run to follow (`migration.status`). */
export const ZRunStarted = z.object({ runId: z.string() });

export const ZRunId = z.object({ runId: z.string().uuid() });
