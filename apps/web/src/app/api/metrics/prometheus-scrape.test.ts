import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { minuteOf } from "@qmc/core";
import { LiveConfig, systemStats, WorkOrderSubmitter } from "@qmc/engine";
import { createMetricsExporter, ORDER_LATENCY_BUCKETS_SECONDS, RollupWriter } from "@qmc/engine/metrics";
import {
  createEngineHarness,
  type EngineHarness,
  pollUntil,
  TEST_COMMAND_POLICY,
  waitForTerminal,
} from "@qmc/engine/testing";
import { createRedisConnection } from "@qmc/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type PrometheusServer,
  promtool,
  requirePrometheusTools,
  splitFamilies,
  startPrometheus,
} from "../../../testing/prometheus-server";
import { serveMetrics } from "./metrics-handler";

/**
 * A real Prometheus (Debian's 2.42) loading the sample config and alert rules of deploy/prometheus,
 * scraping every second the web's /api/metrics (its handler, bearer token, over real HTTP) and a
 * real worker process's /metrics, while the web submits orders the worker runs.
 */
const DEPLOY = fileURLToPath(new URL("../../../../../../deploy/prometheus/", import.meta.url));
const WORKER_DIR = fileURLToPath(new URL("../../../../../worker/", import.meta.url));
const TOKEN = "prometheus-scrape-token-0123456789";
const ORDERS_PER_SYSTEM = 40;

let h: EngineHarness;
let liveConfig: LiveConfig;
let rollups: RollupWriter;
let submitter: WorkOrderSubmitter;
let web: Server;
let worker: ChildProcess | undefined;
let prometheus: PrometheusServer | undefined;
const targets = { web: "", worker: "" };
const connections: Array<{ disconnect(): void }> = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The web's metrics route as Next serves it: the handler behind a real HTTP server. */
async function serveWebMetrics(): Promise<Server> {
  const exporter = createMetricsExporter({
    prisma: h.db.prisma,
    queues: h.queues,
    config: liveConfig,
    workerStaleAfterMs: 15_000,
    writer: rollups,
  });
  const server = createServer(async (req, res) => {
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers))
      if (typeof value === "string") headers.set(key, value);
    const response = await serveMetrics(new Request(`http://${req.headers.host}${req.url}`, { headers }), {
      metricsToken: TOKEN,
      prisma: h.db.prisma,
      exporter: async () => exporter,
      onError: (error) => console.error(error),
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  targets.web = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return server;
}

/** The real worker entry point with METRICS_PORT=0; resolves with its endpoint's address. */
async function startWorker(): Promise<string> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: WORKER_DIR,
    env: {
      ...process.env,
      DATABASE_URL: h.db.url,
      QUEUE_PREFIX: h.prefix,
      WORKER_ID: "w-prometheus",
      METRICS_PORT: "0",
      METRICS_FLUSH_MS: "300",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker = child;
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((l) => l.includes('"msg":"metrics endpoint listening"'));
      if (!line || !output.includes('"msg":"worker started"')) return;
      clearTimeout(timer);
      const { port } = JSON.parse(line) as { port: number };
      resolve(`127.0.0.1:${port}`);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`worker exited (${code}):\n${output}`)));
  });
}

/** deploy/prometheus/prometheus.yml as shipped, pointed at this test's processes, every second. */
function writeSampleConfig(dir: string): void {
  let config = readFileSync(path.join(DEPLOY, "prometheus.yml"), "utf8");
  const replacements: Array<[string, string]> = [
    ["scrape_interval: 15s", "scrape_interval: 1s\n  scrape_timeout: 1s"],
    ["evaluation_interval: 15s", "evaluation_interval: 1s"],
    ['["console.internal:3000"]', JSON.stringify([targets.web])],
    ['["worker-1.internal:9464", "worker-2.internal:9464"]', JSON.stringify([targets.worker])],
  ];
  for (const [from, to] of replacements) {
    if (!config.includes(from)) throw new Error(`the sample prometheus.yml no longer has ${from}`);
    config = config.replace(from, to);
  }
  writeFileSync(path.join(dir, "prometheus.yml"), config);
  copyFileSync(path.join(DEPLOY, "alerts.yml"), path.join(dir, "alerts.yml"));
  writeFileSync(path.join(dir, "qmc-metrics-token"), TOKEN);
}

beforeAll(async () => {
  requirePrometheusTools(); // fails (never skips) with the command to install them
  h = await createEngineHarness("prometheus_scrape", 10);
  const subscriber = createRedisConnection(h.redisUrl, "subscriber");
  const publisher = createRedisConnection(h.redisUrl, "producer");
  connections.push(subscriber, publisher);
  liveConfig = new LiveConfig(h.db.prisma, subscriber, publisher, h.prefix, h.resources.logger);
  await liveConfig.start();
  rollups = new RollupWriter(h.db.prisma, {
    source: "web:scrape-test",
    flushMs: 300,
    logger: h.resources.logger,
  });
  await rollups.start();
  submitter = new WorkOrderSubmitter(h.db.prisma, h.queues, TEST_COMMAND_POLICY, h.resources.logger, {
    maxQueueDepth: 10_000,
    metrics: rollups,
  });
  web = await serveWebMetrics();
  targets.worker = await startWorker();
  prometheus = await startPrometheus(writeSampleConfig);
  const p = prometheus;
  // Both processes scraped before any order: their counters start from a 0 sample.
  await pollUntil(
    () => p.value("count(up == 1)"),
    (n) => n === 2,
  );
  await sleep(1_500);
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker?.once("exit", r));
    worker.kill("SIGTERM");
    await exited;
  }
  await new Promise((r) => web?.close(r));
  await rollups?.stop();
  await liveConfig?.stop();
  for (const c of connections) c.disconnect();
  await h?.close();
});

async function scrape(target: string, metricsPath: string, token?: string): Promise<string> {
  const response = await fetch(`http://${target}${metricsPath}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe("Prometheus scraping the web and a worker", () => {
  it("finds our families in the exposition format with no complaint from promtool check metrics", async () => {
    const p = prometheus as PrometheusServer;
    expect(await p.value('up{job="qmc-web"}')).toBe(1); // the sample config's bearer token works
    expect(await p.value('up{job="qmc-worker"}')).toBe(1);
    for (const [name, text] of [
      ["web", await scrape(targets.web, "/api/metrics", TOKEN)],
      ["worker", await scrape(targets.worker, "/metrics")],
    ] as const) {
      const { ours, defaults } = splitFamilies(text, "qmc_");
      expect(ours).toContain("# TYPE qmc_orders_completed_total counter");
      expect(ours).toContain("# TYPE qmc_order_end_to_end_seconds histogram");
      const checked = promtool(["check", "metrics"], ours);
      console.log(`promtool check metrics, ${name}'s qmc_* families: ${checked.output || "no complaint"}`);
      expect(checked).toEqual({ status: 0, output: "" });
      // prom-client's nodejs_active_*_total gauges break the _total naming rule: not ours to fix.
      const theirs = promtool(["check", "metrics"], defaults).output.split("\n").filter(Boolean);
      expect(theirs.every((line) => /^(nodejs|process)_/.test(line))).toBe(true);
    }
  });

  it("answers rate() and histogram_quantile() as the console reads the rollups for the same minutes", async () => {
    const p = prometheus as PrometheusServer;
    // A 0 sample of each counter inside the window: no extrapolation before the first order.
    if (Date.now() % 60_000 < 2_000) await sleep(2_000);
    const from = minuteOf(Date.now());
    const ids = { NEW: [] as string[], LEGACY: [] as string[] };
    for (const system of ["NEW", "LEGACY"] as const) {
      const orders = await submitter.submitMany(
        Array.from({ length: ORDERS_PER_SYSTEM }, () => ({
          kind: "synthetic",
          payload: {
            durationMs: system === "NEW" ? 60 : 20,
            durationJitter: 1,
            failureRate: 0.25,
            failureMode: "fatal",
          },
          system,
          actor: "prometheus-test",
        })),
      );
      ids[system] = orders.map((o) => o.id);
    }
    await waitForTerminal(h.db, [...ids.NEW, ...ids.LEGACY]);
    const finished = 2 * ORDERS_PER_SYSTEM;
    await pollUntil(
      async () => (await systemStats(h.db.prisma, from, new Date())).reduce((n, s) => n + s.finished, 0),
      (n) => n === finished,
    );
    // Every order was counted before its rollup was flushed: scrapes from now on see them all.
    const counted = Date.now();
    await pollUntil(
      () => p.value("1000 * min(timestamp(up))"),
      (t) => t > counted,
    );
    await sleep(2_500); // a few more scrapes and rule evaluations

    // At the worker's last scrape the window ends on a sample: rate() extrapolates nothing.
    const at = 1000 * (await p.value('timestamp(up{job="qmc-worker"})'));
    const rangeMs = Math.round(at - from.getTime());
    const range = `${rangeMs}ms`;
    const console_ = await systemStats(h.db.prisma, from, new Date(at));
    for (const system of ["NEW", "LEGACY"] as const) {
      const stats = console_.find((s) => s.system === system);
      if (!stats) throw new Error(`no ${system} stats`);
      const sel = `{stream="${system}"}`;
      const finishedIn = (fn: string) =>
        `sum(${fn}(qmc_orders_completed_total${sel}[${range}])) + sum(${fn}(qmc_orders_failed_total${sel}[${range}]))`;
      const increase = await p.value(finishedIn("increase"), at);
      const perMinute = 60 * (await p.value(finishedIn("rate"), at));
      const failed = await p.value(`sum(qmc_orders_failed_total${sel})`, at);
      const count = await p.value(`sum(qmc_order_end_to_end_seconds_count${sel})`, at);
      const p99 = await p.value(
        `histogram_quantile(0.99, sum by (le) (rate(qmc_order_end_to_end_seconds_bucket${sel}[${range}])))`,
        at,
      );
      const consoleP99 = (stats.p99Ms ?? Number.NaN) / 1000;
      // The console reads its p99 from 1.2× buckets: with 40 orders it may sit anywhere in the
      // bucket of the slowest ones, up to 1.2× above them. Prometheus's lies in its grid bucket
      // of the slowest orders.
      const lower = ORDER_LATENCY_BUCKETS_SECONDS.filter((b) => b < consoleP99 / 1.2).at(-1) ?? 0;
      const upper =
        ORDER_LATENCY_BUCKETS_SECONDS.find((b) => b >= consoleP99 * 1.2) ?? Number.POSITIVE_INFINITY;
      console.log(
        `${system}: finished ${stats.finished} (failed ${stats.failed}) in ${range}; ` +
          `increase() ${increase}; per minute: rollups ${(stats.finished / (rangeMs / 60_000)).toFixed(3)} ` +
          `vs rate() ${perMinute.toFixed(3)} (console's throughput ${stats.throughputPerMinute.toFixed(3)}); ` +
          `failed console ${stats.failed} vs Prometheus ${failed}; end-to-end count ${count}; ` +
          `p99 console ${consoleP99.toFixed(4)} s vs histogram_quantile ${p99.toFixed(4)} s (bucket ${lower}–${upper} s)`,
      );
      expect(stats.finished).toBe(ORDERS_PER_SYSTEM);
      expect(increase).toBeCloseTo(stats.finished, 6);
      // The console's throughput divides by at least one whole minute; over these seconds the
      // rollups' count per minute is what rate() measures.
      expect(perMinute).toBeCloseTo(stats.finished / (rangeMs / 60_000), 6);
      expect(failed).toBe(stats.failed);
      expect(count).toBe(stats.finished);
      expect(p99).toBeGreaterThanOrEqual(lower);
      expect(p99).toBeLessThanOrEqual(upper);
    }
    expect(await p.value(`sum(qmc_orders_submitted_total{job="qmc-web"})`, at)).toBe(finished);

    // The alert rules on real data: the recorded error rate is the console's, and an error rate
    // far above 1 % on 40 finished orders is below the rule's 100-order minimum: not even pending.
    const recorded = await p.value(
      'qmc:orders_failed:increase5m{stream="NEW"} / qmc:orders_finished:increase5m{stream="NEW"}',
    );
    const consoleRate = console_.find((s) => s.system === "NEW")?.errorRate ?? Number.NaN;
    console.log(`NEW error rate: console ${consoleRate} vs recording rules ${recorded}`);
    expect(recorded).toBeCloseTo(consoleRate, 6);
    expect(await p.query('ALERTS{alertname="QmcNewSystemErrorRateHigh"}')).toEqual([]);
  }, 90_000);

  it("passes promtool's unit tests of the alert rules", () => {
    const result = promtool(["test", "rules", path.join(DEPLOY, "alerts.test.yml")]);
    console.log(result.output);
    expect(result.status, result.output).toBe(0);
  });
});
