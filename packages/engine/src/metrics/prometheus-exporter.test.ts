import { histogramCount, minuteOf, ROLLUP_COUNTERS, RollupAccumulator } from "@qmc/core";
import { createRedisConnection } from "@qmc/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveConfig } from "../config/live-config.ts";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { createMetricsExporter } from "./prometheus-exporter.ts";
import { readSourceRollups, writeRollups } from "./rollup-store.ts";
import { RollupWriter } from "./rollup-writer.ts";

let h: EngineHarness;
let liveConfig: LiveConfig;
const connections: Array<{ disconnect(): void }> = [];

beforeAll(async () => {
  h = await createEngineHarness("prometheus_exporter");
  const subscriber = createRedisConnection(h.redisUrl, "subscriber");
  const publisher = createRedisConnection(h.redisUrl, "producer");
  connections.push(subscriber, publisher);
  liveConfig = new LiveConfig(h.db.prisma, subscriber, publisher, h.prefix, h.resources.logger);
  await liveConfig.start();
});
afterAll(async () => {
  await liveConfig.stop();
  for (const c of connections) c.disconnect();
  await h.close();
});

/** `name{labels}` → value, from the text exposition. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

const exporterDeps = () => ({
  prisma: h.db.prisma,
  queues: h.queues,
  config: liveConfig,
  workerStaleAfterMs: 60_000,
  processMetrics: false,
});

describe("the Prometheus exporter", () => {
  it("answers queue depths, open orders, guard state, alerts and workers; order families at zero without a writer", async () => {
    const submit = (system: "NEW" | "LEGACY", n: number) =>
      h.submitter.submitMany(
        Array.from({ length: n }, () => ({ kind: "synthetic", payload: {}, system, actor: "test" })),
      );
    await submit("NEW", 3);
    await submit("LEGACY", 2);
    const rollups = new RollupAccumulator();
    for (let i = 0; i < 4; i++) rollups.record("NEW", { type: "completed", runTimeMs: 100, endToEndMs: 250 });
    rollups.record("SHADOW", { type: "failed", runTimeMs: 5, endToEndMs: 5_000 });
    await writeRollups(h.db.prisma, "worker:x", rollups.snapshot());
    const decision = {
      subject: "NEW",
      limit: 0.01,
      windowSeconds: 300,
      sampleSize: 120,
      action: "PAUSE_ROLLOUT",
    };
    const explain = { inputs: {}, explanation: "test" };
    await h.db.prisma.gateDecision.createMany({
      data: [
        { metric: "ERROR_RATE", ...decision, ...explain },
        { metric: "ERROR_RATE", ...decision, ...explain },
        { metric: "MEMORY_USAGE", ...decision, ...explain, status: "ACKNOWLEDGED" },
      ],
    });
    const now = new Date();
    await h.db.prisma.workerHeartbeat.create({
      data: {
        workerId: "w1",
        host: "h",
        pid: 1,
        startedAt: now,
        lastSeenAt: now,
        systems: ["NEW"],
        slotsTotal: 8,
        slotsInUse: 3,
        concurrencyLimit: 6,
        memoryUsedRatio: 0.42,
        memoryPressure: "none",
      },
    });
    await liveConfig.change(
      { shadowMode: true, paused: true, pausedReason: "test" },
      { actor: "t", reason: "test" },
    );

    const exporter = createMetricsExporter(exporterDeps());
    expect(exporter.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await exporter.render();
    const m = parse(text);
    const depth = (system: string) =>
      ["wait", "prioritized", "delayed", "active"].reduce(
        (n, state) => n + (m.get(`qmc_queue_depth{system="${system}",state="${state}"}`) ?? Number.NaN),
        0,
      );
    expect([depth("NEW"), depth("LEGACY")]).toEqual([3, 2]);
    expect(m.get('qmc_work_orders{system="NEW",role="PRIMARY",state="PENDING"}')).toBe(3);
    expect(m.get('qmc_work_orders{system="LEGACY",role="PRIMARY",state="PENDING"}')).toBe(2);
    // Other processes' rollups are theirs to export: this process has counted nothing, so its
    // order families are there, at zero (a gauge of everyone's last minutes would go down).
    expect(text).toContain("# TYPE qmc_orders_completed_total counter");
    expect(text).toContain("# TYPE qmc_order_end_to_end_seconds histogram");
    expect(m.get('qmc_orders_completed_total{stream="NEW"}')).toBe(0);
    expect(m.get('qmc_order_end_to_end_seconds_count{stream="NEW"}')).toBe(0);
    expect([...m.keys()].some((k) => k.startsWith("qmc_order_events"))).toBe(false);

    expect(m.get("qmc_rollout_paused")).toBe(1);
    expect(m.get("qmc_shadow_mode")).toBe(1);
    expect(m.get("qmc_config_version")).toBe(liveConfig.current().version);
    expect(liveConfig.current().version).toBe(2);
    expect(m.get('qmc_alerts_open{metric="ERROR_RATE"}')).toBe(2);
    expect(m.get('qmc_alerts_open{metric="MEMORY_USAGE"}')).toBe(0);
    expect(m.get('qmc_worker_slots{worker="w1"}')).toBe(8);
    expect(m.get('qmc_worker_slots_in_use{worker="w1"}')).toBe(3);
    expect(m.get('qmc_worker_concurrency_limit{worker="w1"}')).toBe(6);
    expect(m.get('qmc_worker_memory_used_ratio{worker="w1"}')).toBe(0.42);
    expect(m.get('qmc_scrape_error{part="queue_depth"}')).toBe(0);
  });

  it("reuses the count of open orders for its TTL instead of counting at every scrape", async () => {
    const cached = createMetricsExporter({ ...exporterDeps(), openOrdersTtlMs: 60_000 });
    const uncached = createMetricsExporter({ ...exporterDeps(), openOrdersTtlMs: 0 });
    const pending = async (e: typeof cached) =>
      parse(await e.render()).get('qmc_work_orders{system="NEW",role="PRIMARY",state="PENDING"}');
    expect(await pending(cached)).toBe(3);
    await h.submitter.submit({ kind: "synthetic", payload: {}, system: "NEW", actor: "test" });
    expect(await pending(cached)).toBe(3);
    expect(await pending(uncached)).toBe(4);
  });

  it("on a worker: its own slots and memory, and the orders it counted as cumulative counters and histograms", async () => {
    const writer = new RollupWriter(h.db.prisma, {
      source: "worker:me",
      flushMs: 3_600_000,
      logger: h.resources.logger,
    });
    writer.record("LEGACY", { type: "submitted" });
    writer.record("LEGACY", { type: "submitted" });
    for (const ms of [30, 40, 250])
      writer.record("NEW", { type: "completed", runTimeMs: 10, endToEndMs: ms });
    const exporter = createMetricsExporter({
      ...exporterDeps(),
      processMetrics: true,
      writer,
      self: () => ({
        workerId: "me",
        slotsTotal: 4,
        slotsInUse: 1,
        concurrencyLimit: 4,
        memoryUsedRatio: 0.5,
      }),
    });
    const text = await exporter.render();
    const m = parse(text);
    expect(m.get('qmc_worker_slots{worker="me"}')).toBe(4);
    expect(m.has('qmc_worker_slots{worker="w1"}')).toBe(false);
    expect(m.get('qmc_orders_submitted_total{stream="LEGACY"}')).toBe(2);
    expect(m.get('qmc_orders_completed_total{stream="NEW"}')).toBe(3);
    expect(m.get('qmc_orders_failed_total{stream="NEW"}')).toBe(0);
    expect(m.get('qmc_order_end_to_end_seconds_bucket{le="0.03",stream="NEW"}')).toBe(1);
    expect(m.get('qmc_order_end_to_end_seconds_bucket{le="0.05",stream="NEW"}')).toBe(2);
    expect(m.get('qmc_order_end_to_end_seconds_bucket{le="0.3",stream="NEW"}')).toBe(3);
    expect(m.get('qmc_order_end_to_end_seconds_sum{stream="NEW"}')).toBeCloseTo(0.32, 9);
    expect(m.get("qmc_metrics_flush_failures_total")).toBe(0);
    expect(m.has("process_resident_memory_bytes")).toBe(true);

    // Once the minute is flushed and gone from the writer, the counters still only grow.
    await writer.flush();
    writer.record("LEGACY", { type: "submitted" });
    const again = parse(await exporter.render());
    expect(again.get('qmc_orders_submitted_total{stream="LEGACY"}')).toBe(3);
    expect(again.get('qmc_orders_completed_total{stream="NEW"}')).toBe(3);
    expect(again.get('qmc_order_end_to_end_seconds_count{stream="NEW"}')).toBe(3);
  });

  it("counts exactly what the rollups of the same process count", async () => {
    const writer = new RollupWriter(h.db.prisma, {
      source: "worker:same-events",
      flushMs: 3_600_000,
      logger: h.resources.logger,
    });
    const from = minuteOf(Date.now());
    writer.record("NEW", { type: "started", queueWaitMs: 12 });
    writer.record("NEW", { type: "retried", runTimeMs: 80 });
    writer.record("NEW", { type: "failed", runTimeMs: 90, endToEndMs: 1_200 });
    writer.record("SHADOW", { type: "cancelled", runTimeMs: null, endToEndMs: 5 });
    writer.record("NEW", { type: "completed", runTimeMs: -3, endToEndMs: Number.NaN });
    await writer.flush();
    const rollups = await readSourceRollups(h.db.prisma, "worker:same-events", from);
    const m = parse(await createMetricsExporter({ ...exporterDeps(), writer }).render());
    for (const stream of ["NEW", "SHADOW"] as const) {
      // One row per minute: the events may straddle a minute boundary.
      const rows = rollups.filter((r) => r.stream === stream);
      for (const event of ROLLUP_COUNTERS)
        expect(m.get(`qmc_orders_${event}_total{stream="${stream}"}`), `${stream} ${event}`).toBe(
          rows.reduce((n, r) => n + r.counts[event], 0),
        );
      for (const [name, key] of [
        ["queue_wait", "queueWait"],
        ["run_time", "runTime"],
        ["end_to_end", "endToEnd"],
      ] as const)
        expect(m.get(`qmc_order_${name}_seconds_count{stream="${stream}"}`), `${stream} ${name}`).toBe(
          rows.reduce((n, r) => n + histogramCount(r[key]), 0),
        );
    }
  });
});
