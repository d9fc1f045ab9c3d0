import { LATENCY_BUCKET_BOUNDS_MS, RollupAccumulator } from "@qmc/core";
import { createRedisConnection } from "@qmc/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveConfig } from "../config/live-config.ts";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { createMetricsExporter } from "./prometheus-exporter.ts";
import { writeRollups } from "./rollup-store.ts";
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
  it("answers queue depths, open orders, recent rollups as histograms, guard state, alerts and workers", async () => {
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
    expect(m.get('qmc_order_events_recent{stream="NEW",event="completed"}')).toBe(4);
    expect(m.get('qmc_order_events_recent{stream="SHADOW",event="failed"}')).toBe(1);
    expect(m.get('qmc_order_events_recent{stream="LEGACY",event="completed"}')).toBe(0);
    expect(m.get('qmc_order_end_to_end_seconds_count{stream="LEGACY"}')).toBe(0);

    expect(text).toContain("# TYPE qmc_order_end_to_end_seconds histogram");
    expect(m.get('qmc_order_end_to_end_seconds_count{stream="NEW"}')).toBe(4);
    expect(m.get('qmc_order_end_to_end_seconds_bucket{stream="NEW",le="+Inf"}')).toBe(4);
    const le = (ms: number) => String(Math.round(ms * 1000) / 1e6);
    const below = LATENCY_BUCKET_BOUNDS_MS.filter((b) => b < 250).at(-1) ?? 0;
    const above = LATENCY_BUCKET_BOUNDS_MS.find((b) => b >= 250) ?? 0;
    expect(m.get(`qmc_order_end_to_end_seconds_bucket{stream="NEW",le="${le(below)}"}`)).toBe(0);
    expect(m.get(`qmc_order_end_to_end_seconds_bucket{stream="NEW",le="${le(above)}"}`)).toBe(4);
    const sum = m.get('qmc_order_end_to_end_seconds_sum{stream="NEW"}') ?? 0;
    expect(sum / 4).toBeGreaterThan(0.225);
    expect(sum / 4).toBeLessThan(0.275);
    expect(m.get('qmc_order_run_time_seconds_count{stream="SHADOW"}')).toBe(1);

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
    expect(m.get('qmc_scrape_error{part="rollups"}')).toBe(0);
    expect([...m.keys()].some((k) => k.startsWith("qmc_order_events_total"))).toBe(false);
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

  it("on a worker: its own slots and memory, and the counters of its own events since it started", async () => {
    const writer = new RollupWriter(h.db.prisma, {
      source: "worker:me",
      flushMs: 3_600_000,
      logger: h.resources.logger,
    });
    writer.record("LEGACY", { type: "submitted" });
    writer.record("LEGACY", { type: "submitted" });
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
    expect(text).toContain("# TYPE qmc_order_events_total counter");
    expect(m.get('qmc_order_events_total{stream="LEGACY",event="submitted"}')).toBe(2);
    expect(m.get('qmc_order_events_total{stream="NEW",event="completed"}')).toBe(0);
    expect(m.get("qmc_metrics_flush_failures_total")).toBe(0);
    expect(m.has("process_resident_memory_bytes")).toBe(true);
    writer.record("LEGACY", { type: "submitted" });
    const again = parse(await exporter.render());
    expect(again.get('qmc_order_events_total{stream="LEGACY",event="submitted"}')).toBe(3);
  });
});
