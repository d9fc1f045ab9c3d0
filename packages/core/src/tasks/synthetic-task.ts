import murmurhash from "murmurhash";
import { z } from "zod";

/**
 * `synthetic`: work whose duration, failure, output and memory are derived deterministically
 * from the work order's id, the attempt and the payload — so the same order behaves the same in
 * both systems (shadow comparisons, load tests, demos) and a retry can succeed where the first
 * attempt failed.
 */
export const SyntheticPayloadSchema = z
  .object({
    /** Base duration of one attempt. */
    durationMs: z.number().int().min(0).max(600_000).default(0),
    /** Fraction of durationMs varied per (id, attempt): 0.2 → 80 %…120 %. */
    durationJitter: z.number().min(0).max(1).default(0),
    /** Probability that an attempt fails. */
    failureRate: z.number().min(0).max(1).default(0),
    /** retryable: exit code 1, a later attempt may succeed; fatal: exit code 2, never retried. */
    failureMode: z.enum(["retryable", "fatal"]).default("retryable"),
    /** Bytes of output the attempt produces. */
    outputBytes: z.number().int().min(0).max(1_000_000).default(0),
    /** Memory held for the duration of the attempt. */
    memoryMb: z.number().int().min(0).max(1024).default(0),
  })
  .strict();

export type SyntheticPayload = z.infer<typeof SyntheticPayloadSchema>;

export const SYNTHETIC_EXIT_CODES = { success: 0, retryable: 1, fatal: 2 } as const;

/** What one attempt of a synthetic order will do. */
export interface SyntheticPlan {
  durationMs: number;
  exitCode: number;
  output: string;
  memoryBytes: number;
}

/** A uniform number in [0, 1) from a string: stable across processes and systems. */
function unit(seed: string): number {
  return murmurhash.v3(seed, 0) / 2 ** 32;
}

/**
 * @param seedId the id that decides behaviour: the order's own id, or for a shadow the id of the
 *   legacy order it shadows (so both runs of one order behave alike).
 * @param attempt 1-based attempt number.
 */
export function planSyntheticAttempt(
  seedId: string,
  attempt: number,
  payload: SyntheticPayload,
): SyntheticPlan {
  const key = `${seedId}:${attempt}`;
  const spread = payload.durationJitter * (2 * unit(`${key}:duration`) - 1);
  const durationMs = Math.max(0, Math.round(payload.durationMs * (1 + spread)));
  const fails = payload.failureRate > 0 && unit(`${key}:failure`) < payload.failureRate;
  const exitCode = fails ? SYNTHETIC_EXIT_CODES[payload.failureMode] : SYNTHETIC_EXIT_CODES.success;
  return {
    durationMs,
    exitCode,
    output: syntheticOutput(seedId, payload.outputBytes),
    memoryBytes: payload.memoryMb * 1024 * 1024,
  };
}

/** Output depends on the order, not the attempt, so equal runs produce equal digests. */
function syntheticOutput(seedId: string, bytes: number): string {
  if (bytes === 0) return "";
  const line = `synthetic output of ${seedId.replace(/[^\x20-\x7e]/g, "?")}\n`;
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
}
