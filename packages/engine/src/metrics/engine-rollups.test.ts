import {
  histogramCount,
  type MetricStream,
  mergeHistograms,
  planSyntheticAttempt,
  SyntheticPayloadSchema,
} from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createEngineHarness,
  type EngineHarness,
  TEST_COMMAND_POLICY,
  waitForTerminal,
} from "../testing/engine-harness.ts";
import { idsFailingOn, pollUntil } from "../testing/order-history.ts";
import { cancelWorkOrder } from "../work-orders/cancel.ts";
import { type SubmitRequest, WorkOrderSubmitter } from "../work-orders/submit.ts";
import { RollupWriter } from "./rollup-writer.ts";

/** A client that counts the raw statements issued through it (what a flush costs). */
function countingStatements(prisma: PrismaClient) {
  let statements = 0;
  const counted = new Proxy(prisma, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === "$executeRaw" || property === "$queryRaw")
        return (...args: unknown[]) => {
          statements++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { prisma: counted, statements: () => statements };
}

let h: EngineHarness;
const writers: Record<"a" | "b" | "web", RollupWriter> = {} as never;
const counters: Record<"a" | "b" | "web", () => number> = {} as never;

beforeAll(async () => {
  h = await createEngineHarness("engine_rollups", 10);
  for (const name of ["a", "b", "web"] as const) {
    const { prisma, statements } = countingStatements(h.db.prisma);
    // Flushed by the test only, so it can count what a flush costs.
    writers[name] = new RollupWriter(prisma, {
      source: name === "web" ? "web:test-1" : `worker:${name}`,
      flushMs: 3_600_000,
      logger: h.resources.logger,
    });
    counters[name] = statements;
    await writers[name].start();
  }
});
afterAll(async () => {
  for (const writer of Object.values(writers)) await writer.stop();
  await h.close();
});

const FLAKY = { failureRate: 0.5, durationMs: 5 };
const flakyPlan = (id: string, attempt: number) =>
  planSyntheticAttempt(id, attempt, SyntheticPayloadSchema.parse(FLAKY)).exitCode;

/** Every stream's totals as the orders' own rows tell them (what the rollups must equal). */
async function truth(prisma: PrismaClient, stream: MetricStream) {
  if (stream === "LEGACY") {
    const statuses = await prisma.legacyWorkOrder.groupBy({ by: ["status"], _count: true });
    const status = (s: string) => statuses.find((r) => r.status === s)?._count ?? 0;
    return {
      submitted: await prisma.legacyWorkOrder.count(),
      started: await prisma.legacyStatusChange.count({ where: { toStatus: "building" } }),
      completed: status("completed"),
      failed: status("failed"),
      retried: 0,
      cancelled: 0,
      attempts: await prisma.executionAttempt.count({ where: { system: "LEGACY" } }),
    };
  }
  const role = stream === "SHADOW" ? "SHADOW" : "PRIMARY";
  const state = (s: "COMPLETED" | "FAILED" | "CANCELLED") =>
    prisma.workOrder.count({ where: { role, state: s } });
  // The history has no foreign key to join through: narrow it by the role's order ids.
  const ids = (await prisma.workOrder.findMany({ where: { role }, select: { id: true } })).map((o) => o.id);
  const ofRole = { workOrderId: { in: ids } };
  return {
    submitted: await prisma.workOrder.count({ where: { role } }),
    started: await prisma.stateTransition.count({ where: { event: "CLAIM", ...ofRole } }),
    completed: await state("COMPLETED"),
    failed: await state("FAILED"),
    retried: await prisma.stateTransition.count({ where: { toState: "WAITING_RETRY", ...ofRole } }),
    cancelled: await state("CANCELLED"),
    attempts: await prisma.executionAttempt.count({ where: { system: "NEW", role } }),
  };
}

describe("rollups of orders run by real engines", () => {
  const ids: string[] = [];

  it("runs orders of every stream on two engines, submitted by a third process", async () => {
    const submitter = new WorkOrderSubmitter(h.db.prisma, h.queues, TEST_COMMAND_POLICY, h.resources.logger, {
      maxQueueDepth: 10_000,
      metrics: writers.web,
    });
    await h.startEngine({ workerId: "a" }, { metrics: writers.a });
    await h.startEngine({ workerId: "b" }, { metrics: writers.b });

    const long = Array.from({ length: 3 }, (_, i) => `long-${i}`);
    await submitter.submitMany(
      long.map((id) => ({
        id,
        kind: "synthetic",
        payload: { durationMs: 60_000 },
        system: "NEW",
        actor: "t",
      })),
    );
    await pollUntil(
      () => h.db.prisma.workOrder.count({ where: { id: { in: long }, state: "RUNNING" } }),
      (n) => n === long.length,
    );
    const cancelDeps = { prisma: h.db.prisma, queues: h.queues, publisher: h.redis, queuePrefix: h.prefix };
    for (const id of long) await cancelWorkOrder(cancelDeps, id, "operator");

    const batch: SubmitRequest[] = [];
    const add = (id: string, payload: object, system: "NEW" | "LEGACY", shadowOf?: string) =>
      batch.push({
        id,
        kind: "synthetic",
        payload,
        system,
        actor: "t",
        ...(shadowOf ? { role: "SHADOW" as const, shadowOfId: shadowOf } : {}),
      });
    for (let i = 0; i < 60; i++) add(`ok-${i}`, { durationMs: 5 }, "NEW");
    for (const id of idsFailingOn(flakyPlan, [1], 2, 15)) add(id, FLAKY, "NEW");
    for (let i = 0; i < 8; i++) add(`exhausted-${i}`, { failureRate: 1 }, "NEW");
    for (let i = 0; i < 8; i++) add(`fatal-${i}`, { failureRate: 1, failureMode: "fatal" }, "NEW");
    for (let i = 0; i < 40; i++) add(`legacy-ok-${i}`, { durationMs: 5 }, "LEGACY");
    for (let i = 0; i < 12; i++) add(`legacy-fail-${i}`, { failureRate: 1, failureMode: "fatal" }, "LEGACY");
    for (let i = 0; i < 20; i++) add(`shadow-ok-${i}`, { durationMs: 5 }, "NEW", `legacy-ok-${i}`);
    for (let i = 0; i < 6; i++) add(`shadow-fail-${i}`, { failureRate: 1 }, "NEW", `legacy-fail-${i}`);
    await submitter.submitMany(batch);
    ids.push(...long, ...batch.map((r) => r.id as string));
    await waitForTerminal(h.db, ids, 90_000);
  }, 120_000);

  it("each process writes its rows in one statement per flush, however many orders it counted", async () => {
    for (const name of ["a", "b", "web"] as const) {
      const before = counters[name]();
      await writers[name].flush();
      expect([name, counters[name]() - before]).toEqual([name, 1]);
      await writers[name].flush(); // nothing changed since: nothing written
      expect([name, counters[name]() - before]).toEqual([name, 1]);
    }
    const rows = await h.db.prisma.metricRollup.findMany();
    const minutes = new Set(rows.map((r) => r.minute.getTime())).size;
    // At most one row per source, stream and minute: ~200 orders became a handful of rows.
    expect(rows.length).toBeLessThanOrEqual(3 * 3 * minutes);
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(["worker:a", "worker:b", "web:test-1"]));
  });

  it("the rollups of all sources sum to the orders' real outcomes, per stream", async () => {
    const rows = await h.db.prisma.metricRollup.findMany();
    for (const stream of ["NEW", "SHADOW", "LEGACY"] as const) {
      const mine = rows.filter((r) => r.stream === stream);
      const sum = (key: "submitted" | "started" | "completed" | "failed" | "retried" | "cancelled") =>
        mine.reduce((n, r) => n + r[key], 0);
      const real = await truth(h.db.prisma, stream);
      const counted = {
        submitted: sum("submitted"),
        started: sum("started"),
        completed: sum("completed"),
        failed: sum("failed"),
        retried: sum("retried"),
        cancelled: sum("cancelled"),
        // One run time per attempt row, one queue wait per start, one end-to-end per terminal order.
        attempts: histogramCount(mergeHistograms(mine.map((r) => r.runTimeHistogram))),
      };
      expect({ stream, ...counted }).toEqual({ stream, ...real });
      expect(histogramCount(mergeHistograms(mine.map((r) => r.queueWaitHistogram)))).toBe(real.started);
      expect(histogramCount(mergeHistograms(mine.map((r) => r.endToEndHistogram)))).toBe(
        real.completed + real.failed + real.cancelled,
      );
    }
    // The scenario did reach every counter.
    const totals = await truth(h.db.prisma, "NEW");
    expect(totals).toMatchObject({ submitted: 94, cancelled: 3, failed: 16 });
    expect(totals.retried).toBe(15 + 8 * 2);
    expect(await truth(h.db.prisma, "SHADOW")).toMatchObject({ submitted: 26, completed: 20, failed: 6 });
    expect(await truth(h.db.prisma, "LEGACY")).toMatchObject({ submitted: 52, completed: 40, failed: 12 });
  });

  it("each engine's rows hold what that engine did, the submitting process's what it submitted", async () => {
    for (const workerId of ["a", "b"]) {
      const rows = await h.db.prisma.metricRollup.findMany({ where: { source: `worker:${workerId}` } });
      const started = rows.reduce((n, r) => n + r.started, 0);
      const claims = await h.db.prisma.stateTransition.count({ where: { event: "CLAIM", workerId } });
      const legacyStarts = await h.db.prisma.legacyStatusChange.count({
        where: { toStatus: "building", workerId },
      });
      expect([workerId, started]).toEqual([workerId, claims + legacyStarts]);
      expect(started).toBeGreaterThan(0);
      expect(rows.reduce((n, r) => n + r.submitted, 0)).toBe(0);
    }
    const web = await h.db.prisma.metricRollup.findMany({ where: { source: "web:test-1" } });
    expect(web.reduce((n, r) => n + r.submitted, 0)).toBe(ids.length);
    expect(web.reduce((n, r) => n + r.started + r.completed + r.failed, 0)).toBe(0);
  });
});
