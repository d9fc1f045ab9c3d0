import { createEngineHarness, type EngineHarness, pollUntil } from "@qmc/engine/testing";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FAST_WORKER_TIMINGS, workerFleet } from "./testing/spawn-worker.ts";

/**
 * No order is ever stranded: real worker processes, left running through database connection
 * cuts and a restart under a fixed WORKER_ID, bring every order to one terminal state.
 */
let h: EngineHarness;
let admin: pg.Client;
const fleet = workerFleet({ databaseUrl: () => h.db.url, prefix: () => h.prefix });
const RECONCILE_INTERVAL_MS = Number(FAST_WORKER_TIMINGS.RECONCILE_INTERVAL_MS);

beforeAll(async () => {
  h = await createEngineHarness("stranded_orders", 4);
  // Connected to another database, so it survives the cuts it makes.
  admin = new pg.Client({ connectionString: h.db.url.replace(/\/[^/?]+(\?|$)/, "/postgres$1") });
  await admin.connect();
});
afterEach(() => fleet.killAll());
afterAll(async () => {
  await admin.end();
  await h.close();
});

const start = (workerId: string, extra: Record<string, string> = {}) =>
  fleet.start(workerId, { NEW_SYSTEM_SLOTS: "16", LEGACY_CONCURRENCY: "16", ...extra });

/** What `pg_terminate_backend` on every app connection does: the test's own included. */
async function cutEveryConnection(): Promise<number> {
  const database = new URL(h.db.url).pathname.slice(1);
  const { rows } = await admin.query<{ cut: string }>(
    "SELECT count(pg_terminate_backend(pid)) AS cut FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    [database],
  );
  return Number(rows[0]?.cut ?? 0);
}

/** Our own reads and submits ride out the cuts too: retried like any client would. */
async function retried<T>(read: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await read();
    } catch (error) {
      if (tries >= 20) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function openOrders(ids: string[]) {
  const [open, legacyOpen] = await retried(() =>
    Promise.all([
      h.db.prisma.workOrder.count({
        where: { id: { in: ids }, state: { notIn: ["COMPLETED", "FAILED", "CANCELLED"] } },
      }),
      h.db.prisma.legacyWorkOrder.count({
        where: { id: { in: ids }, status: { notIn: ["completed", "failed"] } },
      }),
    ]),
  );
  return open + legacyOpen;
}

async function expectOneTerminalStateEach(ids: string[]) {
  const terminal = await h.db.prisma.stateTransition.groupBy({
    by: ["workOrderId"],
    where: { workOrderId: { in: ids }, toState: { in: ["COMPLETED", "FAILED", "CANCELLED"] } },
    _count: true,
  });
  expect(terminal.filter((t) => t._count !== 1)).toEqual([]);
  const legacyTerminal = await h.db.prisma.legacyStatusChange.groupBy({
    by: ["workOrderId"],
    where: { workOrderId: { in: ids }, toStatus: { in: ["completed", "failed"] } },
    _count: true,
  });
  expect(legacyTerminal.filter((t) => t._count !== 1)).toEqual([]);
}

describe("no order is ever stranded", () => {
  it("three cuts of every database connection during a 1,000-order burst: every order terminal within a few reconcile intervals", async () => {
    const a = start("cut-a");
    const b = start("cut-b");
    await Promise.all([a.waitForLine(/"msg":"worker started"/), b.waitForLine(/"msg":"worker started"/)]);
    const ids: string[] = [];
    const cuts: number[] = [];
    // 10 batches of 100 (half per system), a cut after the 3rd, 5th and 7th batch.
    for (let batch = 0; batch < 10; batch++) {
      const requests = Array.from({ length: 100 }, (_, i) => ({
        id: `cut-${batch}-${i}`,
        kind: "synthetic",
        payload: { durationMs: 40, failureRate: 0.1 },
        system: i % 2 === 0 ? ("NEW" as const) : ("LEGACY" as const),
        actor: "test",
      }));
      await retried(() => h.submitter.submitMany(requests));
      ids.push(...requests.map((r) => r.id));
      if (batch === 3 || batch === 5 || batch === 7) cuts.push(await cutEveryConnection());
      await new Promise((r) => setTimeout(r, 150));
    }
    const lastCutAt = Date.now();
    expect(cuts.every((n) => n > 0)).toBe(true);

    await pollUntil(
      () => openOrders(ids),
      (open) => open === 0,
      20 * RECONCILE_INTERVAL_MS + 20_000,
    );
    const healedMs = Date.now() - lastCutAt;
    console.info(
      `connection cuts: ${cuts.join(", ")} connections; every order terminal ${healedMs} ms after the last cut`,
    );
    await expectOneTerminalStateEach(ids);

    // Legacy: the status and the attempt row tell one story (they are one transaction).
    const legacy = await h.db.prisma.legacyWorkOrder.findMany({ where: { id: { in: ids } } });
    const attempts = new Map(
      (
        await h.db.prisma.executionAttempt.findMany({ where: { system: "LEGACY", workOrderId: { in: ids } } })
      ).map((row) => [row.workOrderId, row]),
    );
    const disagreeing = legacy.filter((o) => {
      const row = attempts.get(o.id);
      return !row || (o.status === "completed") !== (row.errorClass === null) || o.exitCode !== row.exitCode;
    });
    expect(disagreeing.map((o) => [o.id, o.status, o.exitCode, attempts.get(o.id)?.exitCode])).toEqual([]);
    // Both workers stayed up through the cuts.
    expect([a.child.exitCode, b.child.exitCode]).toEqual([null, null]);
  }, 120_000);

  it("a worker restarted under the same WORKER_ID (a container's pid is always 1) strands nothing it ran", async () => {
    const ids = Array.from({ length: 24 }, (_, i) => `fixed-${i % 2 === 0 ? "new" : "legacy"}-${i}`);
    await h.submitter.submitMany(
      ids.map((id) => ({
        id,
        kind: "synthetic",
        payload: { durationMs: 3_000 },
        system: id.includes("-new-") ? ("NEW" as const) : ("LEGACY" as const),
        actor: "test",
      })),
    );
    const fixed = start("fixed", { NEW_SYSTEM_SLOTS: "8", LEGACY_CONCURRENCY: "8" });
    await pollUntil(
      async () => [
        await h.db.prisma.workOrder.count({
          where: { id: { in: ids }, state: "RUNNING", workerId: "fixed" },
        }),
        await h.db.prisma.legacyWorkOrder.count({
          where: { id: { in: ids }, status: "running", workerId: "fixed" },
        }),
      ],
      ([n, l]) => (n ?? 0) >= 8 && (l ?? 0) >= 8,
    );
    fixed.child.kill("SIGKILL");
    await fixed.exited;
    // Back at once under the same id, next to another worker that takes its redelivered jobs.
    start("fixed", { NEW_SYSTEM_SLOTS: "8", LEGACY_CONCURRENCY: "8" });
    start("other", { NEW_SYSTEM_SLOTS: "8", LEGACY_CONCURRENCY: "8" });
    await pollUntil(
      () => openOrders(ids),
      (open) => open === 0,
      40_000,
    );
    await expectOneTerminalStateEach(ids);
    const newOrders = await h.db.prisma.workOrder.findMany({ where: { id: { in: ids } } });
    expect(newOrders.every((o) => o.state === "COMPLETED")).toBe(true);
    const stalled = await h.db.prisma.executionAttempt.count({
      where: { system: "NEW", workOrderId: { in: ids }, errorClass: "STALLED", workerId: "fixed" },
    });
    expect(stalled).toBeGreaterThanOrEqual(8);
  }, 90_000);
});
