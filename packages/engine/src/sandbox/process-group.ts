import { readdir, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

const POLL_INTERVAL_MS = 20;
/** How long to wait for the group to vanish after SIGKILL before giving up (bounded, never forever). */
export const DEFAULT_KILL_WAIT_MS = 2_000;

export interface GroupTermination {
  /** SIGKILL was needed: something in the group outlived SIGTERM plus the grace period. */
  forced: boolean;
  /** No live member is left (zombies awaiting their reaper count as gone). */
  gone: boolean;
}

/**
 * Sends `signal` to every process in the group `pgid`. False when there is no such group
 * (ESRCH) or it is not ours to signal (EPERM: the id was reused by someone else).
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH" || code === "EPERM") return false;
    throw error;
  }
}

/**
 * True while a live process is in the group. `kill(-pgid, 0)` also succeeds for zombies, which
 * wait for their reaper (init, for orphaned grandchildren) and may linger when init reaps lazily;
 * they are dead already, so on Linux /proc is consulted to tell them apart. Where /proc is
 * missing or does not show the group, the kill probe's answer stands.
 */
export async function isGroupAlive(pgid: number): Promise<boolean> {
  if (!signalGroup(pgid, 0)) return false;
  const states = await memberStates(pgid);
  if (states === null || states.length === 0) return true;
  return states.some((state) => state !== "Z" && state !== "X" && state !== "x");
}

/** Polls until the group has no live member or `timeoutMs` passes; true when it is gone. */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + Math.max(0, timeoutMs);
  for (;;) {
    if (!(await isGroupAlive(pgid))) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    await sleep(Math.min(POLL_INTERVAL_MS, left));
  }
}

/**
 * SIGTERM to the whole group, then SIGKILL if anything in it is still alive after `graceMs`;
 * resolves once the group is gone or, after SIGKILL, `killWaitMs` has passed.
 */
export async function terminateGroup(
  pgid: number,
  graceMs: number,
  killWaitMs = DEFAULT_KILL_WAIT_MS,
): Promise<GroupTermination> {
  if (!(await isGroupAlive(pgid))) return { forced: false, gone: true };
  if (!signalGroup(pgid, "SIGTERM")) return { forced: false, gone: true };
  if (await waitForGroupExit(pgid, graceMs)) return { forced: false, gone: true };
  if (!signalGroup(pgid, "SIGKILL")) return { forced: true, gone: true };
  return { forced: true, gone: await waitForGroupExit(pgid, killWaitMs) };
}

/** Process states ("R", "S", "Z", …) of the group's members from /proc, or null without /proc. */
async function memberStates(pgid: number): Promise<string[] | null> {
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return null;
  }
  const stats = await Promise.all(
    entries.filter((entry) => /^\d+$/.test(entry)).map((entry) => readStat(`/proc/${entry}/stat`)),
  );
  const states: string[] = [];
  for (const stat of stats) {
    if (stat !== null && stat.pgrp === pgid) states.push(stat.state);
  }
  return states;
}

async function readStat(path: string): Promise<{ state: string; pgrp: number } | null> {
  try {
    const text = await readFile(path, "utf8");
    // "pid (comm) state ppid pgrp …"; comm may itself contain spaces and parentheses.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const [state, , pgrp] = fields;
    return state === undefined || pgrp === undefined ? null : { state, pgrp: Number(pgrp) };
  } catch {
    return null; // the process exited while we looked
  }
}
