import type { Redis } from "@qmc/transport";
import type { Queue } from "bullmq";

/**
 * Where an order's BullMQ job stands, as far as liveness goes:
 * - `held`: a worker holds its lock right now (renewed while the attempt runs): alive;
 * - `queued`: waiting, delayed, prioritized, or active with an expired lock (BullMQ's stalled
 *   check hands it out again): BullMQ will deliver it, and whoever takes it decides;
 * - `finished`: completed or failed in BullMQ — whoever ran it has let go of it;
 * - `missing`: Redis has no such job (removed on completion, flushed, or never enqueued).
 */
export type JobPresence = "held" | "queued" | "finished" | "missing";

/**
 * Reads the presence of many jobs in one round trip (a pipeline of three cheap reads per job),
 * so the reconciler can look at every in-flight order each pass without a Lua call per order.
 * The lock key (`<job key>:lock`) and the `finishedOn` field are how BullMQ itself records a
 * held lock and a finished job; the reconciler tests fail if that ever changes.
 */
export async function jobPresence(redis: Redis, queue: Queue, jobIds: string[]): Promise<JobPresence[]> {
  if (jobIds.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of jobIds) {
    const key = queue.toKey(id);
    pipeline.exists(`${key}:lock`);
    pipeline.exists(key);
    pipeline.hexists(key, "finishedOn");
  }
  const replies = (await pipeline.exec()) ?? [];
  return jobIds.map((_, i) => {
    const [lockError, locked] = replies[i * 3] ?? [];
    const [existsError, exists] = replies[i * 3 + 1] ?? [];
    const [finishedError, finished] = replies[i * 3 + 2] ?? [];
    const error = lockError ?? existsError ?? finishedError;
    if (error) throw error;
    if (locked === 1) return "held";
    if (exists !== 1) return "missing";
    return finished === 1 ? "finished" : "queued";
  });
}
