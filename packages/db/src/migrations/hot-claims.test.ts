import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDatabaseBeforeMigration,
  type DatabaseBeforeMigration,
} from "../testing/database-before-migration.ts";

/**
 * The hot_claims migration: WorkOrder has no index on `state` any more, so a claim (PENDING →
 * RUNNING) is a HOT update that writes no index entry; `terminalState`, generated from `state`,
 * splits the orders between an index of the open ones and one of the finished ones, and the
 * queries the console and the reconciler run reach each through its index.
 */
const MIGRATION = "hot_claims";
let old: DatabaseBeforeMigration;

beforeAll(async () => {
  old = await createDatabaseBeforeMigration(MIGRATION);
  await old.prisma.$executeRawUnsafe(`
    INSERT INTO "WorkOrder" (id, kind, payload, state, "maxAttempts", "submittedBy", "updatedAt") VALUES
      ('done', 'synthetic', '{}', 'COMPLETED', 3, 'ops@example.com', now()),
      ('open', 'synthetic', '{}', 'WAITING_RETRY', 3, 'ops@example.com', now())`);
  await old.upgrade();
});
afterAll(() => old.drop());

/** HOT updates of WorkOrder this session made and has not yet reported (so: compare two reads). */
const hotUpdates = (tx: { $queryRawUnsafe: DatabaseBeforeMigration["prisma"]["$queryRawUnsafe"] }) =>
  tx
    .$queryRawUnsafe<[{ n: bigint }]>(
      `SELECT pg_stat_get_xact_tuples_hot_updated('"WorkOrder"'::regclass) AS n`,
    )
    .then(([row]) => Number(row.n));

describe(`the ${MIGRATION} migration`, () => {
  it("gives existing orders their terminal state, and nobody can write it", async () => {
    const rows = await old.prisma.workOrder.findMany({
      orderBy: { id: "asc" },
      select: { id: true, terminalState: true },
    });
    expect(rows).toEqual([
      { id: "done", terminalState: "COMPLETED" },
      { id: "open", terminalState: null },
    ]);
    await expect(
      old.prisma.$executeRawUnsafe(`UPDATE "WorkOrder" SET "terminalState" = 'FAILED' WHERE id = 'open'`),
    ).rejects.toThrow(/column "terminalState" can only be updated to DEFAULT/);
  });

  it("claims without touching an index; the finish files the order under its outcome", async () => {
    await old.prisma.$executeRawUnsafe(`
      INSERT INTO "WorkOrder" (id, kind, payload, state, "maxAttempts", "submittedBy", "updatedAt")
        VALUES ('o-1', 'synthetic', '{}', 'PENDING', 3, 'ops@example.com', now())`);
    const claimHot = await old.prisma.$transaction(async (tx) => {
      const before = await hotUpdates(tx);
      await tx.$executeRawUnsafe(`
        UPDATE "WorkOrder" SET state = 'RUNNING', attempts = attempts + 1, "workerId" = 'w1',
          "startedAt" = now(), "updatedAt" = now() WHERE id = 'o-1'`);
      return (await hotUpdates(tx)) - before;
    });
    expect(claimHot).toBe(1);
    const finishHot = await old.prisma.$transaction(async (tx) => {
      const before = await hotUpdates(tx);
      await tx.$executeRawUnsafe(`
        UPDATE "WorkOrder" SET state = 'FAILED', "finishedAt" = now(), "updatedAt" = now() WHERE id = 'o-1'`);
      return (await hotUpdates(tx)) - before;
    });
    expect(finishHot).toBe(0);
    const order = await old.prisma.workOrder.findUniqueOrThrow({ where: { id: "o-1" } });
    expect(order.terminalState).toBe("FAILED");
  });

  it("reaches open orders and each finished state through their own indexes", async () => {
    const plan = (sql: string, ...params: unknown[]) =>
      old.prisma.$transaction(async (tx) => {
        // A few rows: without this the planner rightly reads the table; the question is whether
        // the index can serve the query at all (its predicate proven from the query's).
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        await tx.$executeRawUnsafe("SET LOCAL plan_cache_mode = force_generic_plan");
        const rows = await tx.$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(`EXPLAIN ${sql}`, ...params);
        return rows.map((r) => r["QUERY PLAN"]).join("\n");
      });
    expect(
      await plan(`SELECT state, count(*) FROM "WorkOrder" WHERE "terminalState" IS NULL
                  AND state IN ('PENDING', 'RUNNING') GROUP BY state`),
    ).toContain("WorkOrder_open_createdAt_idx");
    expect(
      await plan(
        `SELECT id FROM "WorkOrder" WHERE "terminalState" = CAST($1::text AS "WorkOrderState")
         ORDER BY "createdAt" DESC LIMIT 25`,
        "CANCELLED",
      ),
    ).toContain("WorkOrder_terminalState_createdAt_idx");
  });
});
