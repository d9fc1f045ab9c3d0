/**
 * How fast a standby worker takes over a run whose worker died (kill -9, a lost host).
 *
 * A run's job is held under a BullMQ lock that its worker renews every half lock; once the lock
 * has expired, the next stalled check of any worker puts the job back, and a live worker takes
 * the run over from its cursor. So a dead worker's run waits at most one lock plus one stalled
 * interval. The order queues use the worker's LOCK_DURATION_MS/STALLED_INTERVAL_MS (30 s and
 * 15 s by default: 32–38 s measured for a run). Runs get their own, shorter ones:
 * - correctness does not depend on them: every write of a run is fenced by its owner token, so
 *   a worker that lost its lock while still alive writes nothing more (its batch rolls back);
 * - a live worker loses its lock only if its event loop is blocked longer than a renewal gap
 *   (5 s here). Runs do database and Redis I/O only, and orders wait on timers or child
 *   processes, so nothing in the worker blocks that long; should it happen, the cost is a
 *   repeated batch;
 * - Redis cost: one lock renewal per running run every 5 s and one stalled check per worker
 *   every 5 s. Nothing.
 * They are constants, not settings, so the console can say how long a takeover takes.
 */
export const RUN_LOCK_DURATION_MS = 10_000;

/** BullMQ renews a held lock every half lock. */
export const RUN_LOCK_RENEW_MS = RUN_LOCK_DURATION_MS / 2;

/** How often each worker looks for run jobs whose lock expired. */
export const RUN_STALLED_INTERVAL_MS = 5_000;

/** The longest a dead worker's run waits for a standby worker, from its last lock renewal. */
export const RUN_TAKEOVER_MAX_MS = RUN_LOCK_DURATION_MS + RUN_STALLED_INTERVAL_MS;
