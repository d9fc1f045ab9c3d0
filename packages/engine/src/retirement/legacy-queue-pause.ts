import type { Queue } from "bullmq";

/**
 * A retired legacy system takes no job, in any worker: its BullMQ queue is paused globally (a
 * flag in Redis that every legacy worker obeys, including one starting before it has read the
 * live config), on top of each worker pausing its own processor. Undoing the retirement resumes
 * the queue. Idempotent; the API applies it with the change and every worker again on each
 * config it sees, so a lost call heals itself.
 */
export async function applyRetirementToLegacyQueue(queue: Pick<Queue, "pause" | "resume">, retired: boolean) {
  if (retired) await queue.pause();
  else await queue.resume();
}
