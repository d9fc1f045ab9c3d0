import type { ErrorClass, QueueSystem } from "@qmc/core";
import type { Prisma } from "@qmc/db";
import type { AttemptOutcome } from "../execution/execution-manager.ts";

export interface AttemptFacts {
  system: QueueSystem;
  role: "PRIMARY" | "SHADOW";
  workOrderId: string;
  attempt: number;
  workerId: string;
  startedAt: Date;
  /** Time the order waited before this attempt started. */
  queuedMs: number | null;
}

export type RecordedOutcome =
  | AttemptOutcome
  | { status: "failed"; errorClass: ErrorClass; errorMessage: string; run: null };

export function attemptRow(
  facts: AttemptFacts,
  outcome: RecordedOutcome,
): Prisma.ExecutionAttemptCreateManyInput {
  const run = outcome.run;
  const endedAt = new Date();
  return {
    ...facts,
    endedAt,
    exitCode: run?.exitCode ?? null,
    errorClass: outcome.status === "failed" ? outcome.errorClass : null,
    errorMessage: outcome.status === "failed" ? outcome.errorMessage : null,
    outputDigest: run?.outputDigest ?? null,
    outputBytes: run?.outputBytes ?? null,
    durationMs: run ? run.durationMs : endedAt.getTime() - facts.startedAt.getTime(),
  };
}
