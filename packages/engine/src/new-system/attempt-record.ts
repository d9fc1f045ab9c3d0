import type { ErrorClass, QueueSystem } from "@qmc/core";
import type { Prisma, PrismaClient } from "@qmc/db";
import type { AttemptOutcome } from "../execution/execution-manager.ts";
import { GroupCommit } from "../shared/group-commit.ts";

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

/**
 * One row per finished attempt, for both systems: what comparisons and metrics read. Rows that
 * finish together are inserted together; a row already there (a recovery racing a finish) is kept.
 */
export class AttemptRecorder {
  private readonly group: GroupCommit<Prisma.ExecutionAttemptCreateManyInput, undefined>;

  constructor(prisma: PrismaClient) {
    this.group = new GroupCommit(
      async (rows) => {
        await prisma.executionAttempt.createMany({ data: rows, skipDuplicates: true });
        return rows.map(() => undefined);
      },
      { maxBatch: 500, concurrency: 2 },
    );
  }

  record(facts: AttemptFacts, outcome: RecordedOutcome): Promise<void> {
    return this.group.push(attemptRow(facts, outcome));
  }
}

/** The same row as JSON (dates as ISO strings), to travel inside a batched transition. */
export function attemptRowJson(facts: AttemptFacts, outcome: RecordedOutcome): Record<string, unknown> {
  const row = attemptRow(facts, outcome);
  return { ...row, startedAt: facts.startedAt.toISOString(), endedAt: (row.endedAt as Date).toISOString() };
}
