import os from "node:os";
import { type MetricStream, minuteOf, type OrderMetricEvent, RollupAccumulator } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import { OrderInstruments } from "./order-instruments.ts";
import type { OrderMetrics } from "./order-metrics.ts";
import { readSourceRollups, writeRollups } from "./rollup-store.ts";

export interface RollupWriterOptions {
  /** This process's name on its rows: {@link workerMetricsSource} or {@link webMetricsSource}. */
  source: string;
  /** How often the counts go to Postgres. @defaultValue 5000 */
  flushMs?: number;
  logger: Logger;
}

/** Minutes kept in memory after they were flushed (late events of the minute just past). */
const KEEP_MINUTES = 3;

export const workerMetricsSource = (workerId: string) => `worker:${workerId}`;
export const webMetricsSource = () => `web:${os.hostname()}-${process.pid}`;

/**
 * Counts order events in memory (RollupAccumulator) and writes this process's per-minute rollups
 * every `flushMs` in one statement, whatever the number of orders: the hot path only adds to a
 * map. Rows are running totals, so a repeated or retried flush is harmless; a failed flush is put
 * back and goes out with the next one. The same call feeds this process's Prometheus counters
 * and histograms (`instruments`), so the rollups and a scrape count the same events.
 */
export class RollupWriter implements OrderMetrics {
  private readonly accumulator = new RollupAccumulator(KEEP_MINUTES);
  /** This process's events since it started, for its Prometheus endpoint. */
  readonly instruments = new OrderInstruments();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private failures = 0;
  readonly source: string;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: RollupWriterOptions,
  ) {
    this.source = options.source;
  }

  record(stream: MetricStream, event: OrderMetricEvent, at: Date | number = Date.now()): void {
    try {
      // A bad time would put a row in no minute and make every later flush fail: use now.
      const ms = typeof at === "number" ? at : at.getTime();
      this.accumulator.record(stream, event, Number.isFinite(ms) ? ms : Date.now());
      this.instruments.record(stream, event);
    } catch (error) {
      // Never into the hot path: a lost count is better than a lost order.
      this.options.logger.warn({ err: error, stream, event: event.type }, "metrics: event not counted");
    }
  }

  /**
   * Picks up this source's rows of the last minutes (a process restarted under the same name
   * within the minute adds to them instead of overwriting them), then flushes every `flushMs`.
   */
  async start(): Promise<void> {
    try {
      const since = new Date(minuteOf(Date.now()).getTime() - KEEP_MINUTES * 60_000);
      this.accumulator.restore(await readSourceRollups(this.prisma, this.source, since));
    } catch (error) {
      this.options.logger.warn({ err: error }, "metrics: could not read this source's last rollups");
    }
    this.timer = setInterval(() => {
      // A slow database must not pile flushes up: skip a tick while one is still going.
      if (this.queued === 0) void this.flush();
    }, this.options.flushMs ?? 5_000);
    this.timer.unref();
  }

  /** Writes what changed since the last flush (after any flush still running). Never rejects. */
  flush(): Promise<void> {
    this.queued++;
    this.chain = this.chain.then(() => this.flushOnce()).finally(() => this.queued--);
    return this.chain;
  }

  /** Stops the timer and flushes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Flushes that failed since start (their rows went out again later). */
  get failedFlushes(): number {
    return this.failures;
  }

  private async flushOnce(): Promise<void> {
    const rows = this.accumulator.snapshot();
    if (rows.length === 0) return;
    try {
      await writeRollups(this.prisma, this.source, rows);
    } catch (error) {
      this.failures++;
      this.accumulator.restore(rows);
      this.options.logger.warn({ err: error, rows: rows.length }, "metrics flush failed; retried next time");
    }
  }
}
