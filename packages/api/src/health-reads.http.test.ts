import { emptyHistogram, type MetricStream, type MinuteRollup, observe } from "@qmc/core";
import { createPrismaClient, type PrismaClient } from "@qmc/db";
import { writeRollups } from "@qmc/engine/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness, errorOf } from "./testing/api-harness.ts";

/**
 * health.timeSeries and comparison.stats over the real HTTP API, on rollups, depth samples and
 * gate decisions as the worker writes them — and none of them, nor health.phase, reads an order,
 * attempt or transition row.
 */
let h: ApiHarness;
let viewer: string;
let operator: string;

const MINUTE = 60_000;
const now = Date.now();
/** A whole minute 10 minutes ago, and the one 20 minutes ago. */
const m10 = now - (now % MINUTE) - 10 * MINUTE;
const m20 = m10 - 10 * MINUTE;

function rollup(stream: MetricStream, minute: number, completed: number, failed: number, latencyMs: number) {
  const endToEnd = emptyHistogram();
  for (let i = 0; i < completed + failed; i++) observe(endToEnd, latencyMs);
  const row: MinuteRollup = {
    stream,
    minute: new Date(minute),
    counts: {
      submitted: completed + failed,
      started: completed + failed,
      completed,
      failed,
      retried: 2,
      cancelled: 1,
    },
    queueWait: emptyHistogram(),
    runTime: emptyHistogram(),
    endToEnd,
  };
  return row;
}

beforeAll(async () => {
  h = await createApiHarness("health_reads");
  [viewer, operator] = await Promise.all([h.tokenFor("VIEWER"), h.tokenFor("OPERATOR")]);
  const prisma = h.engine.db.prisma;
  await h.client(h.web, operator).rollout.set.mutate({
    useNewQueueSystem: true,
    newQueueRolloutPercent: 10,
    reason: "canary",
  });
  // Two workers' flushes: NEW 196 + 4 failed at 200 ms, LEGACY 99 + 1 at 400 ms, in minute m10.
  await writeRollups(prisma, "worker:a", [rollup("NEW", m10, 98, 2, 200), rollup("LEGACY", m10, 99, 1, 400)]);
  await writeRollups(prisma, "worker:b", [rollup("NEW", m10, 98, 2, 200), rollup("NEW", m20, 10, 0, 150)]);
  await prisma.queueDepthSample.createMany({
    data: [
      { system: "NEW", at: new Date(m10 + 5_000), waiting: 7, delayed: 1, active: 3 },
      { system: "NEW", at: new Date(m10 + 35_000), waiting: 12, delayed: 0, active: 4 },
      { system: "LEGACY", at: new Date(m10 + 5_000), waiting: 2, delayed: 0, active: 1 },
    ],
  });
  await prisma.gateDecision.create({
    data: {
      at: new Date(m10 + 20_000),
      metric: "ERROR_RATE",
      subject: "system:NEW",
      value: 0.02,
      limit: 0.01,
      windowSeconds: 300,
      sampleSize: 200,
      action: "PAUSE_ROLLOUT",
      inputs: {},
      explanation: "Error rate of the new system is 2 %: pause the rollout.",
    },
  });
});
afterAll(() => h.close());

describe("health.timeSeries", () => {
  it("draws an hour in minute buckets with counts, rates, latencies, throughput and queue depth", async () => {
    const series = await h.client(h.web, viewer).health.timeSeries.query({ window: "1h" });
    expect(series.bucketSeconds).toBe(60);
    expect(series.series.map((s) => s.stream)).toEqual(["LEGACY", "NEW", "SHADOW"]);
    const newSystem = series.series.find((s) => s.stream === "NEW")?.points ?? [];
    expect(newSystem.length).toBeGreaterThanOrEqual(60);
    expect(newSystem.length).toBeLessThanOrEqual(61);
    const point = newSystem.find((p) => p.at.getTime() === m10);
    expect(point).toMatchObject({
      submitted: 200,
      completed: 196,
      failed: 4,
      retried: 4,
      cancelled: 2,
      errorRate: 0.02,
      // Finished orders only: the 2 cancellations are counted apart.
      throughputPerMinute: 200,
      queueDepth: { waiting: 12, delayed: 1, active: 4 },
    });
    // Every order took 200 ms: the p99 lies in that histogram bucket, (197.8, 237.4] ms.
    expect(point?.p99LatencyMs).toBeGreaterThan(197);
    expect(point?.p99LatencyMs).toBeLessThanOrEqual(238);
    expect(newSystem.find((p) => p.at.getTime() === m20)).toMatchObject({ completed: 10, errorRate: 0 });
    expect(newSystem.filter((p) => p.submitted > 0)).toHaveLength(2);
    const shadow = series.series.find((s) => s.stream === "SHADOW")?.points ?? [];
    expect(shadow.every((p) => p.queueDepth === null && p.submitted === 0 && p.errorRate === null)).toBe(
      true,
    );
  });

  it("marks config changes and gate decisions in the window", async () => {
    const { annotations } = await h
      .client(h.web, viewer)
      .health.timeSeries.query({ window: "15m", streams: ["NEW"] });
    expect(annotations.configChanges).toEqual([
      expect.objectContaining({
        version: 1,
        summary:
          "initial configuration: switch off, shadow mode off, rollout 0 %, paused no, legacy retired no",
      }),
      expect.objectContaining({
        version: 2,
        reason: "canary",
        summary: "switch off → on; rollout 0 % → 10 %",
      }),
    ]);
    expect(annotations.configChanges[1]?.actor).toMatch(/^operator-\d+@example.com$/);
    expect(annotations.gateDecisions).toEqual([
      expect.objectContaining({
        metric: "ERROR_RATE",
        action: "PAUSE_ROLLOUT",
        status: "OPEN",
        explanation: "Error rate of the new system is 2 %: pause the rollout.",
        at: new Date(m10 + 20_000),
      }),
    ]);
  });

  it("keeps every window to at most ~100 points and the same totals at any bucket size", async () => {
    const api = h.client(h.web, viewer);
    const total = (s: Awaited<ReturnType<typeof api.health.timeSeries.query>>) =>
      s.series[0]?.points.reduce((n, p) => n + p.completed, 0);
    for (const [window, bucketSeconds] of [
      ["15m", 60],
      ["6h", 300],
      ["24h", 900],
      ["7d", 7200],
    ] as const) {
      const series = await api.health.timeSeries.query({ window, streams: ["NEW"] });
      expect([window, series.bucketSeconds]).toEqual([window, bucketSeconds]);
      expect(series.series[0]?.points.length).toBeLessThanOrEqual(100);
      if (window !== "15m") expect([window, total(series)]).toEqual([window, 206]);
    }
  });

  it("refuses an unknown window or an empty stream list", async () => {
    const api = h.client(h.web, viewer);
    expect(await errorOf(api.health.timeSeries.query({ window: "2h" as "1h" }))).toMatchObject({
      httpStatus: 400,
    });
    expect(await errorOf(api.health.timeSeries.query({ window: "1h", streams: [] }))).toMatchObject({
      httpStatus: 400,
    });
  });
});

describe("comparison.stats on rollups", () => {
  it("keeps its shape: per system finished, failed, error rate, p50/p99 and throughput", async () => {
    const from = new Date(m20);
    const to = new Date(m10 + MINUTE);
    const stats = await h.client(h.web, viewer).comparison.stats.query({ from, to });
    expect(stats.systems.map((s) => s.system)).toEqual(["LEGACY", "NEW"]);
    expect(stats.systems[1]).toMatchObject({ finished: 210, failed: 4, throughputPerMinute: 210 / 11 });
    expect(stats.systems[1]?.errorRate).toBeCloseTo(4 / 210);
    expect(stats.systems[0]).toMatchObject({ finished: 100, failed: 1, errorRate: 0.01 });
    expect(stats.systems[0]?.p99Ms).toBeGreaterThan(360);
    expect(stats.systems[0]?.p99Ms).toBeLessThan(440);
    expect(stats.systems[1]?.cancelled).toBe(3);
    expect(stats.throughputFrom).toBeNull();
  });

  it("averages throughput from the first rollup minute when the window reaches back before any order, and says so", async () => {
    const to = new Date(m10 + MINUTE);
    const day = await h.client(h.web, viewer).comparison.stats.query({
      from: new Date(to.getTime() - 24 * 60 * MINUTE),
      to,
    });
    expect(day.throughputFrom).toEqual(new Date(m20));
    expect(day.systems[1]?.throughputPerMinute).toBe(210 / 11);
    // The same definition per chart bucket: a 24-hour chart's bucket holding m20 starts before it.
    const series = await h.client(h.web, viewer).health.timeSeries.query({ window: "24h", streams: ["NEW"] });
    expect(series).toMatchObject({ pointAt: "bucket-start", dataFrom: new Date(m20) });
  });
});

describe("no dashboard read scans orders, attempts or transitions", () => {
  const RAW_TABLES = [
    "WorkOrder",
    "LegacyWorkOrder",
    "ExecutionAttempt",
    "StateTransition",
    "LegacyStatusChange",
  ];

  async function rawReads(client: PrismaClient): Promise<number> {
    const rows = await client.$queryRawUnsafe<Array<{ reads: bigint }>>(
      `SELECT coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0)::bigint AS reads
       FROM pg_stat_user_tables WHERE relname = ANY($1::text[])`,
      RAW_TABLES,
    );
    return Number(rows[0]?.reads ?? 0);
  }

  /**
   * The raw tables' read counters with every read so far included. A backend reports its table
   * statistics only now and then while it lives (up to 10 s late when busy) but always when it
   * exits: so every other connection to the test database is ended first (the app's pools
   * reconnect on their next query), from a connection of its own that read nothing.
   */
  async function settledRawReads(): Promise<number> {
    const admin = createPrismaClient({ databaseUrl: h.engine.db.url, maxConnections: 1 });
    try {
      const others = await admin.$queryRaw<Array<{ pid: number }>>`
        SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`;
      const pids = others.map((row) => row.pid);
      await admin.$queryRaw`SELECT count(pg_terminate_backend(pid)) FROM unnest(${pids}::int[]) AS pid`;
      for (;;) {
        const [alive] = await admin.$queryRaw<[{ n: bigint }]>`
          SELECT count(*) AS n FROM pg_stat_activity WHERE pid = ANY(${pids}::int[])`;
        if (Number(alive?.n ?? 0) === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      return await rawReads(admin);
    } finally {
      await admin.$disconnect();
    }
  }

  it("health.phase, timeSeries and comparison.stats read no raw row", async () => {
    const api = h.client(h.web, viewer);
    const before = await settledRawReads();
    for (let i = 0; i < 3; i++) {
      await api.health.phase.query();
      await api.health.timeSeries.query({ window: "24h" });
      await api.health.timeSeries.query({ window: "7d" });
      await api.comparison.stats.query({ from: new Date(now - 7 * 86_400_000), to: new Date() });
    }
    expect(await settledRawReads()).toBe(before);
    // The counter does move when something reads those tables.
    await api.workOrders.find.query({ system: "NEW" });
    expect(await settledRawReads()).toBeGreaterThan(before);
  }, 60_000);
});
