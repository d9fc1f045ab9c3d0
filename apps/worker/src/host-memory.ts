import os from "node:os";

/** Share of the host's memory in use, 0..1: the reading the memory threshold acts on. */
export function hostMemoryUsedRatio(): number {
  const total = os.totalmem();
  return total > 0 ? (total - os.freemem()) / total : 0;
}
