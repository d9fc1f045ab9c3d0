import { type PrismaClient, ThresholdMetric } from "@qmc/db";
import type { Queue } from "bullmq";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { QueueConfigVersion } from "../config/config-store.ts";
import {
  CachedReading,
  readLiveWorkers,
  readOpenAlerts,
  readOpenOrders,
  readQueueDepths,
} from "./cluster-readings.ts";
import { OrderInstruments } from "./order-instruments.ts";
import type { RollupWriter } from "./rollup-writer.ts";
import type { WorkerReading } from "./worker-sample-store.ts";

export interface MetricsExporterDeps {
  prisma: PrismaClient;
  queues: { legacy: Queue; newSystem: Queue };
  /** The process's live config (no database read): guard state and config version. */
  config: { current(): QueueConfigVersion };
  /** Heartbeats older than this belong to workers that are gone. */
  workerStaleAfterMs: number;
  /** A worker's endpoint: its own slots and memory, instead of every worker's last heartbeat. */
  self?: () => WorkerReading;
  /**
   * This process's rollup writer: the orders it counted since it started (counters and latency
   * histograms) and its failed flushes. Without one the order families are exported at zero.
   */
  writer?: Pick<RollupWriter, "instruments" | "failedFlushes">;
  /** How long a count of open orders is reused between scrapes. @defaultValue 15000 */
  openOrdersTtlMs?: number;
  /** Node's own process metrics (process_*, nodejs_*). @defaultValue true */
  processMetrics?: boolean;
}

export interface MetricsExporter {
  contentType: string;
  /** The Prometheus text exposition, collected now. */
  render(): Promise<string>;
}

/**
 * One process's Prometheus view. Order events are this process's own counters and histograms,
 * cumulative since it started (`qmc_orders_*_total`, `qmc_order_*_seconds`, from its
 * RollupWriter): Prometheus sums the processes. Levels are gauges read at each scrape from
 * cheap sources only — BullMQ job counts, open orders through the state indexes (cached
 * `openOrdersTtlMs`), open gate decisions, heartbeats and the live config — the same on every
 * process (aggregate them with max, not sum). A part that cannot be read is left out and flagged
 * in `qmc_scrape_error{part}`.
 */
export function createMetricsExporter(deps: MetricsExporterDeps): MetricsExporter {
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers });

  const queueDepth = gauge("qmc_queue_depth", "Jobs in each system's BullMQ queue by job state.", [
    "system",
    "state",
  ]);
  const openOrders = gauge(
    "qmc_work_orders",
    `Orders not yet terminal by system, role and state (legacy statuses mapped to states); counted through the state indexes, cached ${(deps.openOrdersTtlMs ?? 15_000) / 1000} s. Finished orders: qmc_orders_completed_total and the like.`,
    ["system", "role", "state"],
  );
  const paused = gauge("qmc_rollout_paused", "1 while the health guard holds the rollout paused.");
  const configVersion = gauge("qmc_config_version", "Version of the live queue configuration.");
  const switchOn = gauge(
    "qmc_new_queue_system_enabled",
    "1 when the master switch routes to the new system.",
  );
  const percent = gauge("qmc_rollout_percent", "Share of new orders routed to the new system (0-100).");
  const shadow = gauge("qmc_shadow_mode", "1 when legacy-routed orders also run as shadows.");
  const retired = gauge("qmc_legacy_retired", "1 once the legacy system is retired (phase 4).");
  const alertsOpen = gauge("qmc_alerts_open", "Open health-guard decisions (alerts, pauses) per metric.", [
    "metric",
  ]);
  const workerGauges = {
    slotsTotal: gauge("qmc_worker_slots", "New-system slots of a worker.", ["worker"]),
    slotsInUse: gauge("qmc_worker_slots_in_use", "Slots running an order.", ["worker"]),
    concurrencyLimit: gauge("qmc_worker_concurrency_limit", "Slots the worker may use now.", ["worker"]),
    memoryUsedRatio: gauge("qmc_worker_memory_used_ratio", "Host memory in use (0-1).", ["worker"]),
  };
  const scrapeError = gauge("qmc_scrape_error", "1 when a part could not be read at this scrape.", ["part"]);
  const flushFailures = new Counter({
    name: "qmc_metrics_flush_failures_total",
    help: "Rollup flushes of this process that failed (their counts went out with a later flush).",
    registers,
  });
  // The gauges above are refilled at each collection; the order instruments and Node's default
  // metrics (added after) are cumulative and keep their state.
  const refilled = registry.getMetricsAsArray() as Array<{ reset?: () => void }>;
  for (const metric of (deps.writer?.instruments ?? new OrderInstruments()).metrics)
    registry.registerMetric(metric);
  if (deps.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const openOrdersCache = new CachedReading(deps.openOrdersTtlMs ?? 15_000, () =>
    readOpenOrders(deps.prisma),
  );

  async function collect(): Promise<string> {
    const [depths, open, alerts, workers] = await Promise.allSettled([
      readQueueDepths(deps.queues),
      openOrdersCache.get(),
      readOpenAlerts(deps.prisma),
      deps.self ? Promise.resolve([deps.self()]) : readLiveWorkers(deps.prisma, deps.workerStaleAfterMs),
    ]);
    for (const metric of refilled) metric.reset?.();
    const failed = (part: string, result: PromiseSettledResult<unknown>) =>
      scrapeError.set({ part }, result.status === "rejected" ? 1 : 0);

    failed("queue_depth", depths);
    if (depths.status === "fulfilled")
      for (const d of depths.value) queueDepth.set({ system: d.system, state: d.state }, d.count);
    failed("work_orders", open);
    if (open.status === "fulfilled")
      for (const o of open.value) openOrders.set({ system: o.system, role: o.role, state: o.state }, o.count);
    failed("alerts", alerts);
    if (alerts.status === "fulfilled") {
      for (const metric of Object.values(ThresholdMetric)) alertsOpen.set({ metric }, 0);
      for (const a of alerts.value) alertsOpen.set({ metric: a.metric }, a.count);
    }
    failed("workers", workers);
    if (workers.status === "fulfilled") {
      for (const w of workers.value) {
        const worker = { worker: w.workerId };
        workerGauges.slotsTotal.set(worker, w.slotsTotal);
        workerGauges.slotsInUse.set(worker, w.slotsInUse);
        workerGauges.concurrencyLimit.set(worker, w.concurrencyLimit);
        workerGauges.memoryUsedRatio.set(worker, w.memoryUsedRatio);
      }
    }
    try {
      const config = deps.config.current();
      paused.set(config.paused ? 1 : 0);
      configVersion.set(config.version);
      switchOn.set(config.useNewQueueSystem ? 1 : 0);
      percent.set(config.newQueueRolloutPercent);
      shadow.set(config.shadowMode ? 1 : 0);
      retired.set(config.legacyRetired ? 1 : 0);
      scrapeError.set({ part: "config" }, 0);
    } catch {
      scrapeError.set({ part: "config" }, 1);
    }
    flushFailures.inc(deps.writer?.failedFlushes ?? 0);
    return registry.metrics();
  }

  // Scrapes that overlap share one collection: the gauges are reset and refilled by it.
  let rendering: Promise<string> | null = null;
  return {
    contentType: registry.contentType,
    render() {
      rendering ??= collect().finally(() => {
        rendering = null;
      });
      return rendering;
    },
  };
}
