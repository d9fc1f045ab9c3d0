import { createEngineHarness, type EngineHarness, waitForTerminal } from "@qmc/engine/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { workerFleet } from "./testing/spawn-worker.ts";

/** A real worker process with METRICS_PORT set: its Prometheus endpoint, samples and rollups. */
let h: EngineHarness;
const fleet = workerFleet({ databaseUrl: () => h.db.url, prefix: () => h.prefix });

beforeAll(async () => {
  h = await createEngineHarness("worker_metrics");
});
afterEach(() => fleet.killAll());
afterAll(() => h.close());

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("a worker's metrics", () => {
  it("serves /metrics on its own port, samples itself each heartbeat and flushes its rollups on stop", async () => {
    const worker = fleet.start("w-metrics", {
      METRICS_PORT: "0",
      NEW_SYSTEM_SLOTS: "4",
      // Only the flush at shutdown writes rollups: it must not lose what the worker counted.
      METRICS_FLUSH_MS: "300000",
    });
    const listening = await worker.waitForLine(/"msg":"metrics endpoint listening"/);
    const { port, host } = JSON.parse(listening) as { port: number; host: string };
    expect(host).toBe("127.0.0.1");
    await worker.waitForLine(/"msg":"worker started"/);

    const ids = Array.from({ length: 20 }, (_, i) => `m-${i}`);
    await h.submitter.submitMany(
      ids.map((id, i) => ({
        id,
        kind: "synthetic",
        payload: { durationMs: 5 },
        system: i % 2 ? ("LEGACY" as const) : ("NEW" as const),
        actor: "test",
      })),
    );
    await waitForTerminal(h.db, ids);

    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(sample(text, 'qmc_worker_slots{worker="w-metrics"}')).toBe(4);
    expect(sample(text, 'qmc_worker_concurrency_limit{worker="w-metrics"}')).toBe(4);
    const memory = sample(text, 'qmc_worker_memory_used_ratio{worker="w-metrics"}') ?? -1;
    expect(memory > 0 && memory < 1).toBe(true);
    expect(sample(text, 'qmc_orders_completed_total{stream="NEW"}')).toBe(10);
    expect(sample(text, 'qmc_orders_completed_total{stream="LEGACY"}')).toBe(10);
    expect(sample(text, 'qmc_queue_depth{system="NEW",state="prioritized"}')).toBe(0);
    expect(sample(text, "qmc_config_version")).toBe(1);
    expect(sample(text, "qmc_rollout_paused")).toBe(0);
    expect(text).toContain("# TYPE qmc_order_run_time_seconds histogram");
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);

    const samples = await h.db.prisma.workerSample.findMany({ where: { workerId: "w-metrics" } });
    expect(samples.length).toBeGreaterThan(0);
    expect(samples[0]).toMatchObject({ slotsTotal: 4, concurrencyLimit: 4 });
    expect(await h.db.prisma.metricRollup.count({ where: { source: "worker:w-metrics" } })).toBe(0);

    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    const rows = await h.db.prisma.metricRollup.findMany({ where: { source: "worker:w-metrics" } });
    const total = (stream: string, key: "started" | "completed") =>
      rows.filter((r) => r.stream === stream).reduce((n, r) => n + r[key], 0);
    expect([total("NEW", "started"), total("NEW", "completed")]).toEqual([10, 10]);
    expect([total("LEGACY", "started"), total("LEGACY", "completed")]).toEqual([10, 10]);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  }, 60_000);

  it("has no endpoint unless METRICS_PORT is set", async () => {
    const worker = fleet.start("w-no-metrics");
    await worker.waitForLine(/"msg":"worker started"/);
    expect(worker.lines.some((l) => l.includes("metrics endpoint listening"))).toBe(false);
  });
});
