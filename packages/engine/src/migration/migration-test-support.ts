import type { BackgroundRun } from "@qmc/db";
import { expect } from "vitest";
import { QueueManager } from "../routing/queue-manager.ts";
import { processRun } from "../runs/process-run.ts";
import { findRun } from "../runs/run-store.ts";
import type { EngineHarness } from "../testing/engine-harness.ts";
import { pollUntil } from "../testing/order-history.ts";
import { InFlightMigration, type StartRequest } from "./run-in-flight-migration.ts";

/** Test helpers of the migration's integration tests (not exported by the module). */
export const OPERATOR = {
  actor: "operator@example.com",
  reason: "move queued legacy orders to the new system",
};

/**
 * The migration API as the control plane has it, plus `startAndFinish`/`resumeAndFinish`, which
 * also execute the run here, as a worker would, and return it ended: the tests of what a batch
 * does need no worker. (Where an engine runs too it may take the run; they wait for the end.)
 */
export function migrationFor(h: EngineHarness) {
  const migration = new InFlightMigration({
    prisma: h.db.prisma,
    queues: h.queues,
    logger: h.resources.logger,
  });
  const finish = async (run: BackgroundRun): Promise<BackgroundRun> => {
    const deps = {
      prisma: h.db.prisma,
      queues: h.queues,
      logger: h.resources.logger,
      queueManager: new QueueManager({ current: () => unused("routing") }, h.submitter),
    };
    await processRun(deps, run.id, { workerId: "test-process", stopping: () => false });
    return pollUntil(
      () => findRun(h.db.prisma, run.id),
      (r) => r.status !== "QUEUED" && r.status !== "RUNNING",
    );
  };
  return Object.assign(migration, {
    startAndFinish: async (request: StartRequest) => finish(await migration.start(request)),
    resumeAndFinish: async (runId: string, by?: { actor: string }) =>
      finish(await migration.resume(runId, by)),
  });
}

function unused(what: string): never {
  throw new Error(`a migration run does not use ${what}`);
}

/** Submits legacy orders in small batches, so they get several distinct submission times. */
export async function submitLegacy(
  h: EngineHarness,
  ids: string[],
  payload: object = { durationMs: 5 },
): Promise<void> {
  for (let i = 0; i < ids.length; i += 7) {
    const batch = ids.slice(i, i + 7).map((id, k) => ({
      id,
      kind: "synthetic",
      payload,
      priority: (i + k) % 3,
      system: "LEGACY" as const,
      actor: "test",
    }));
    await h.submitter.submitMany(batch);
    await new Promise((r) => setTimeout(r, 3));
  }
}

/** Legacy orders still queued and unmigrated, in the order a run takes them. */
export async function queuedLegacyIds(h: EngineHarness): Promise<string[]> {
  const rows = await h.db.prisma.legacyWorkOrder.findMany({
    where: { status: "queued", migratedAt: null },
    orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/**
 * The harness's waitForTerminal reads both tables, and a moved order's legacy row stays
 * "queued" (with migratedAt) as history: wait on the new system's rows only.
 */
export async function waitForNewTerminal(h: EngineHarness, ids: string[], timeoutMs = 30_000): Promise<void> {
  await pollUntil(
    () =>
      h.db.prisma.workOrder.count({
        where: { id: { in: ids }, state: { notIn: ["COMPLETED", "FAILED", "CANCELLED"] } },
      }),
    (open) => open === 0,
    timeoutMs,
  );
}

/**
 * No order is live in both systems: each id is either a non-migrated legacy order with no
 * new-system order, or a migrated legacy row with exactly one migrated new-system order.
 * Returns the ids that moved.
 */
export async function expectEachOrderInOneSystem(h: EngineHarness, ids: string[]): Promise<Set<string>> {
  const [legacy, moved] = await Promise.all([
    h.db.prisma.legacyWorkOrder.findMany({ where: { id: { in: ids } } }),
    h.db.prisma.workOrder.findMany({ where: { id: { in: ids } } }),
  ]);
  const movedIds = new Set(moved.map((o) => o.id));
  expect(legacy).toHaveLength(ids.length);
  for (const row of legacy) {
    expect({ id: row.id, migrated: row.migratedAt !== null }).toEqual({
      id: row.id,
      migrated: movedIds.has(row.id),
    });
  }
  for (const order of moved) expect(order.migrated).toBe(true);
  return movedIds;
}
