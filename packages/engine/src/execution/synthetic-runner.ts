import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { planSyntheticAttempt, type SyntheticPayload } from "@qmc/core";
import type { SandboxRunResult } from "../sandbox/index.ts";

/**
 * Runs a synthetic attempt in-process: it waits, holds memory and produces output as its
 * plan says, and honours the same timeout/cancel signal as a sandboxed command. In-process on
 * purpose: spawning a process per no-op order would measure fork(), not the queue.
 */
export async function runSynthetic(
  seedId: string,
  attempt: number,
  payload: SyntheticPayload,
  /** Cancel (operator, shutdown). */
  signal: AbortSignal,
  timeoutMs: number,
  outputLimitBytes: number,
): Promise<SandboxRunResult> {
  const plan = planSyntheticAttempt(seedId, attempt, payload);
  const started = performance.now();
  // Touch every page so the memory is really committed, as a real job's would be.
  const held = plan.memoryBytes > 0 ? Buffer.alloc(plan.memoryBytes, 1) : null;
  // The duration is known in advance, so the timeout is a comparison, not a second timer racing
  // the first: an attempt that would outlast its timeout runs until the timeout and ends there.
  const timesOut = plan.durationMs > timeoutMs;
  let termination: SandboxRunResult["termination"] = timesOut ? "timeout" : "exited";
  try {
    const waitMs = Math.min(plan.durationMs, timeoutMs);
    if (waitMs > 0) await sleep(waitMs, undefined, { signal });
    else signal.throwIfAborted();
  } catch {
    termination = "cancelled";
  }
  // Released only here, after the attempt's whole duration.
  held?.fill(0, 0, 1);
  const bytes = Buffer.from(termination === "exited" ? plan.output : "", "utf8");
  return {
    termination,
    exitCode: termination === "exited" ? plan.exitCode : null,
    signal: null,
    output: bytes.subarray(0, outputLimitBytes).toString("utf8"),
    outputBytes: bytes.length,
    outputTruncated: bytes.length > outputLimitBytes,
    outputDigest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`,
    durationMs: Math.round(performance.now() - started),
  };
}
