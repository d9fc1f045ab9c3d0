// Throughput of the new system end to end against raw BullMQ, measured in the same run.
//
//   npm run bench:throughput [-- --orders 10000 --concurrency 50,200 --runs 3]
//
// Baseline: addBulk of N no-op jobs + one in-process BullMQ Worker (concurrency C).
// New system: N no-op synthetic orders submitted in batches (order + SUBMIT transition + audit
// event in Postgres, job in Redis), then pulled by the scheduler (C slots) and run to COMPLETED
// with every transition, its audit event and the attempt row persisted — the whole product path.
// Each pair runs back to back at each concurrency; the table reports both rates, their ratio
// and where the CPU went per order (this process, Postgres, Redis), since on a small machine
// the three share the same cores.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { createEngineHarness, type EngineHarness } from "@qmc/engine/testing";
import { DEFAULT_REDIS_URL, redisConnectionOptions } from "@qmc/transport";
import { Queue, Worker } from "bullmq";
import { type CpuSample, cpuPerItem, sampleCpu } from "./lib/cpu.ts";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "50,200" },
    batch: { type: "string", default: "500" },
    runs: { type: "string", default: "1" },
  },
});
const N = Number(values.orders);
const CONCURRENCIES = values.concurrency.split(",").map(Number);
const BATCH = Number(values.batch);
const RUNS = Number(values.runs);
const SERVERS = ["postgres", "redis-server"] as const;
const connection = redisConnectionOptions(process.env.REDIS_URL ?? DEFAULT_REDIS_URL);

interface Measured {
  perSecond: number;
  cpu: ReturnType<typeof cpuPerItem>;
}

async function timed(run: () => Promise<void>, settle: () => Promise<void> = async () => {}) {
  const before: CpuSample = sampleCpu(SERVERS);
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  await settle();
  return { perSecond: N / seconds, cpu: cpuPerItem(before, sampleCpu(SERVERS), N) };
}

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
  const result = await timed(async () => {
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

async function newSystem(concurrency: number): Promise<Measured> {
  const h: EngineHarness = await createEngineHarness("bench", 20);
  try {
    await h.startEngine({ systems: ["NEW"], newSystemSlots: concurrency, reconcileIntervalMs: 60_000 });
    const result = await timed(async () => {
      for (let i = 0; i < N; i += BATCH) await submitWithBackoff(h, Math.min(BATCH, N - i));
      // Watched in Redis, not by counting rows: a count every few milliseconds would bill
      // Postgres for the benchmark's own polling. A job leaves Redis only after its order's
      // finishing write committed, so an empty queue means every order is done in Postgres.
      for (;;) {
        const counts = await h.queues.newSystem.getJobCounts("wait", "prioritized", "active", "delayed");
        if (Object.values(counts).every((count) => count === 0)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    const completed = await h.db.prisma.workOrder.count({ where: { state: "COMPLETED" } });
    if (completed !== N) throw new Error(`expected ${N} completed orders, found ${completed}`);
    const transitions = await h.db.prisma.stateTransition.count();
    if (transitions !== N * 4) throw new Error(`expected ${N * 4} transitions, found ${transitions}`);
    return result;
  } finally {
    await h.close();
  }
}

/** Past the maximum queue depth the system answers BACKPRESSURE: back off as a client would. */
async function submitWithBackoff(h: EngineHarness, size: number): Promise<void> {
  const batch = Array.from({ length: size }, () => ({
    kind: "synthetic",
    payload: {},
    system: "NEW" as const,
    actor: "bench",
  }));
  for (;;) {
    try {
      await h.submitter.submitMany(batch);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "BACKPRESSURE") throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const ms = (value: number | undefined) => (value === undefined ? "?" : value.toFixed(3));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main() {
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
