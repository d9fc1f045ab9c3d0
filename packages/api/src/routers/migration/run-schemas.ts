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

/**
 * Who holds a RUNNING run and whether it still answers (its BullMQ lock renewed in time). When it
 * does not: how long it has been silent and the longest until a standby worker takes the run over
 * (while `standbyWorkers` > 0). Null when the run is not RUNNING.
 */
export const ZRunHolder = z.object({
  workerId: z.string(),
  host: z.string().nullable(),
  answering: z.boolean(),
  silentForMs: z.number().int().nullable(),
  takeoverWithinMs: z.number().int().nullable(),
  standbyWorkers: z.number().int(),
});

/** A run's progress with its holder: what the console's progress follows. */
export const ZRunStatus = ZBackgroundRun.extend({ holder: ZRunHolder.nullable() });

/** A start answers at once with the run to follow (`migration.status`). */
export const ZRunStarted = z.object({ runId: z.string() });

export const ZRunId = z.object({ runId: z.string().uuid() });
