// Throughput of the new system end to end against raw BullMQ, measured in the same run.
//
//   npm run bench:throughput [-- --orders 10000 --concurrency 50,200 --runs 3]
//   npm run bench:metrics-overhead [-- --orders 10000 --concurrency 50,200 --runs 3 --flush-ms 5000]
//
// Baseline: addBulk of N no-op jobs + one in-process BullMQ Worker (concurrency C).
// New system: N no-op synthetic orders submitted in batches (order + SUBMIT transition + audit
// event in Postgres, job in Redis), then pulled by the scheduler (C slots) and run to COMPLETED
// with every transition, its audit event and the attempt row persisted — the whole product path.
// Each pair runs back to back at each concurrency; the table reports both rates, their ratio
// and where the CPU went per order (this process, Postgres, Redis), since on a small machine
// the three share the same cores.
//
// --metrics-overhead: the baseline is the new system end to end without metrics, the measured
// run the same with a RollupWriter counting every submit, start and outcome (as a worker and
// the web do) and flushing every --flush-ms, its final flush inside the timed part. Both in the
// same process, back to back, their order alternating from run to run.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { DEFAULT_REDIS_URL, redisConnectionOptions } from "@qmc/transport";
import { Queue, Worker } from "bullmq";
import { type Measured, median, newSystemEndToEnd, timed } from "./lib/new-system-run.ts";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "50,200" },
    batch: { type: "string", default: "500" },
    runs: { type: "string", default: "1" },
    "metrics-overhead": { type: "boolean", default: false },
    "flush-ms": { type: "string", default: "5000" },
  },
});
const N = Number(values.orders);
const CONCURRENCIES = values.concurrency.split(",").map(Number);
const BATCH = Number(values.batch);
const RUNS = Number(values.runs);
const METRICS_OVERHEAD = values["metrics-overhead"];
const FLUSH_MS = Number(values["flush-ms"]);
const connection = redisConnectionOptions(process.env.REDIS_URL ?? DEFAULT_REDIS_URL);

async function rawBullmq(concurrency: number): Promise<Measured> {
  const prefix = `bench-${randomUUID()}`;
  const queue = new Queue("raw", { connection, prefix });
  const worker = new Worker("raw", async () => null, { connection, prefix, concurrency, autorun: false });
  let done = 0;
  const allDone = new Promise<void>((resolve) => {
    worker.on("completed", () => {
      if (++done === N) resolve();
    });
  });
  await worker.waitUntilReady();
  const result = await timed(N, async () => {
    for (let i = 0; i < N; i += BATCH) {
      const size = Math.min(BATCH, N - i);
      await queue.addBulk(
        Array.from({ length: size }, (_, k) => ({
          name: "noop",
          data: { i: i + k },
          opts: { removeOnComplete: true },
        })),
      );
    }
    void worker.run();
    await allDone;
  });
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return result;
}

const newSystem = (concurrency: number, withMetrics = false) =>
  newSystemEndToEnd({
    orders: N,
    concurrency,
    batch: BATCH,
    ...(withMetrics ? { metricsFlushMs: FLUSH_MS } : {}),
  });

const ms = (value: number | undefined) => (value === undefined ? "?" : value.toFixed(3));

async function metricsOverhead() {
  console.log(
    `orders per run: ${N}, submit batch: ${BATCH}, runs per concurrency: ${RUNS}, flush every ${FLUSH_MS} ms`,
  );
  console.log("the new system end to end, without and with the rollup writer (same process, back to back);");
  console.log("CPU ms per order: this process (where the counting happens) / postgres (all its backends)\n");
  console.log(
    "conc  run   without orders/s   with orders/s   rate with/without   cpu without → with   cpu with/without",
  );
  const summary: string[] = [];
  for (const concurrency of CONCURRENCIES) {
    const rates: number[] = [];
    const cpus: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      // Alternate which goes first, so a warming cache or a neighbour's load favours neither.
      const withFirst = run % 2 === 0;
      const first = await newSystem(concurrency, withFirst);
      const second = await newSystem(concurrency, !withFirst);
      const [plain, counted] = withFirst ? [second, first] : [first, second];
      const rate = counted.perSecond / plain.perSecond;
      const cpu = counted.cpu.self / plain.cpu.self;
      rates.push(rate);
      cpus.push(cpu);
      const cpuOf = (m: Measured) => `${ms(m.cpu.self)}/${ms(m.cpu.servers.get("postgres"))}`;
      console.log(
        `${String(concurrency).padStart(4)}  ${String(run).padStart(3)}  ${plain.perSecond.toFixed(0).padStart(17)}  ${counted.perSecond.toFixed(0).padStart(14)}  ${rate.toFixed(3).padStart(18)}   ${`${cpuOf(plain)} → ${cpuOf(counted)}`.padEnd(19)}  ${cpu.toFixed(3).padStart(16)}`,
      );
    }
    summary.push(
      `concurrency ${concurrency}: median rate with/without ${median(rates).toFixed(3)}, median CPU per order with/without ${median(cpus).toFixed(3)} (target: the writer costs < 5 %)`,
    );
  }
  console.log(`\n${summary.join("\n")}`);
}

async function main() {
  if (METRICS_OVERHEAD) return metricsOverhead();
  console.log(`orders per run: ${N}, submit batch: ${BATCH}, runs per concurrency: ${RUNS}`);
  console.log("CPU ms per order: bench process (producer + worker) / postgres / redis\n");
  console.log(
    "conc  run   raw jobs/s   new orders/s   ratio   raw cpu (self/pg/redis)   new cpu (self/pg/redis)",
  );
  const summary: string[] = [];
  for (const concurrency of CONCURRENCIES) {
    const ratios: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const raw = await rawBullmq(concurrency);
      const ours = await newSystem(concurrency);
      const ratio = ours.perSecond / raw.perSecond;
      ratios.push(ratio);
      const cpu = (m: Measured) =>
        `${ms(m.cpu.self)}/${ms(m.cpu.servers.get("postgres"))}/${ms(m.cpu.servers.get("redis-server"))}`;
      console.log(
        `${String(concurrency).padStart(4)}  ${String(run).padStart(3)}  ${raw.perSecond.toFixed(0).padStart(11)}  ${ours.perSecond.toFixed(0).padStart(13)}  ${ratio.toFixed(3).padStart(6)}   ${cpu(raw).padEnd(24)}  ${cpu(ours)}`,
      );
    }
    summary.push(`concurrency ${concurrency}: median ratio new/raw ${median(ratios).toFixed(3)}`);
  }
  console.log(`\n${summary.join("\n")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
