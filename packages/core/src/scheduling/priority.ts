import { PRIORITY_RANGE } from "../tasks/submission.ts";

/**
 * BullMQ runs priority 1 first and keeps FIFO within a priority; ours runs the highest first.
 * Every job gets an explicit BullMQ priority so all of them share one ordered set.
 */
export function transportPriority(priority: number): number {
  return PRIORITY_RANGE.max - priority + 1;
}
