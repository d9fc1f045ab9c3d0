import type { Redis } from "@qmc/transport";
import type { GuardEvaluation } from "./decision-inputs.ts";
import { guardKeys } from "./guard-keys.ts";

/** One rule's latest evaluation, with the decision in force for it (if any). */
export interface PublishedEvaluation extends GuardEvaluation {
  decisionId: string | null;
  decisionStatus: "OPEN" | "ACKNOWLEDGED" | null;
}

/**
 * The evaluating worker's latest pass over every enabled rule — ok and insufficient-data ones
 * included, each with its explanation — as the health read API shows it ("live values"). Stale
 * when `at` is older than a few `intervalMs` (no evaluator is running).
 */
export interface LastEvaluation {
  at: string;
  workerId: string;
  intervalMs: number;
  evaluations: PublishedEvaluation[];
}

export async function writeLastEvaluation(
  redis: Redis,
  prefix: string,
  value: LastEvaluation,
): Promise<void> {
  await redis.set(guardKeys(prefix).lastEvaluation, JSON.stringify(value));
}

/** The latest evaluation, or null when no guard has evaluated on this deployment yet. */
export async function readLastEvaluation(redis: Redis, prefix: string): Promise<LastEvaluation | null> {
  const raw = await redis.get(guardKeys(prefix).lastEvaluation);
  if (raw === null) return null;
  try {
    const parsed = JSON.parse(raw) as LastEvaluation;
    return Array.isArray(parsed.evaluations) ? parsed : null;
  } catch {
    return null;
  }
}
