import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

/** Test helpers shared by the sandbox tests (not exported from the package). */
export function sha256(data: string | Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** True when `kill(target, 0)` fails with ESRCH: nothing with that id exists, not even a zombie. */
export function isAbsent(target: number): boolean {
  try {
    process.kill(target, 0);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return true;
    throw error;
  }
}

/**
 * Waits (bounded) until `process.kill(-pgid, 0)` throws ESRCH. Killed orphans are zombies until
 * init reaps them, which some inits (like this sandbox VM's) do only every couple of seconds.
 */
export async function waitUntilGroupReaped(pgid: number, timeoutMs = 5_000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (isAbsent(-pgid)) return true;
    await sleep(25);
  }
  return isAbsent(-pgid);
}

/** The pids a test script printed with `echo $!`, one a line. */
export function printedPids(output: string): number[] {
  return output
    .split("\n")
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
}
