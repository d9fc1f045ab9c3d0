import type { ErrorClass, QueueSystem } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
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

/** One row per finished attempt, for both systems: what the comparison and metrics read. */
export async function recordAttempt(
  prisma: PrismaClient,
  facts: AttemptFacts,
  outcome: AttemptOutcome | { status: "failed"; errorClass: ErrorClass; errorMessage: string; run: null },
): Promise<void> {
  const run = outcome.run;
  const endedAt = new Date();
  await prisma.executionAttempt.upsert({
    where: {
      system_workOrderId_attempt: {
        system: facts.system,
        workOrderId: facts.workOrderId,
        attempt: facts.attempt,
      },
    },
    create: {
      ...facts,
      endedAt,
      exitCode: run?.exitCode ?? null,
      errorClass: outcome.status === "failed" ? outcome.errorClass : null,
      errorMessage: outcome.status === "failed" ? outcome.errorMessage : null,
      outputDigest: run?.outputDigest ?? null,
      outputBytes: run?.outputBytes ?? null,
      durationMs: run ? run.durationMs : endedAt.getTime() - facts.startedAt.getTime(),
    },
    update: {},
  });
}
