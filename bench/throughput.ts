// Throughput of the new system end to end against raw BullMQ, measured in the same run.
//
//   npm run bench:throughput [-- --orders 5000 --concurrency 50]
//
// Baseline: addBulk of N no-op jobs + one in-process BullMQ Worker (concurrency C).
// New system: N no-op synthetic orders submitted in batches (order + SUBMIT transition + audit
// event in Postgres, job in Redis), then pulled by the scheduler and run to COMPLETED with every
// transition, its audit event and the attempt row persisted — the whole product path.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { createEngineHarness, type EngineHarness } from "@qmc/engine/testing";
import { DEFAULT_REDIS_URL, redisConnectionOptions } from "@qmc/transport";
import { Queue, Worker } from "bullmq";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "50" },
    batch: { type: "string", default: "500" },
  },
});
const N = Number(values.orders);
const C = Number(values.concurrency);
const BATCH = Number(values.batch);
const connection = redisConnectionOptions(process.env.REDIS_URL ?? DEFAULT_REDIS_URL);

async function rawBullmq(): Promise<number> {
  const prefix = `bench-${randomUUID()}`;
  const queue = new Queue("raw", { connection, prefix });
  let done = 0;
  let finish: () => void = () => {};
  const allDone = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const worker = new Worker("raw", async () => null, { connection, prefix, concurrency: C, autorun: false });
  worker.on("completed", () => {
    if (++done === N) finish();
  });
  const started = performance.now();
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
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return N / seconds;
}

async function newSystem(h: EngineHarness): Promise<number> {
  await h.startEngine({ systems: ["NEW"], newSystemSlots: C, reconcileIntervalMs: 60_000 });
  const started = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const size = Math.min(BATCH, N - i);
    const batch = Array.from({ length: size }, () => ({
      kind: "synthetic",
      payload: {},
      system: "NEW" as const,
      actor: "bench",
    }));
    // Past the maximum queue depth the system answers BACKPRESSURE: back off as a client would.
    for (;;) {
      try {
        await h.submitter.submitMany(batch);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== "BACKPRESSURE") throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  for (;;) {
    const completed = await h.db.prisma.workOrder.count({ where: { state: "COMPLETED" } });
    if (completed === N) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  const transitions = await h.db.prisma.stateTransition.count();
  if (transitions !== N * 4) throw new Error(`expected ${N * 4} transitions, found ${transitions}`);
  return N / seconds;
}

async function main() {
  const raw = await rawBullmq();
  const h = await createEngineHarness("bench", 20);
  try {
    const ours = await newSystem(h);
    console.log(`orders: ${N}, concurrency: ${C}, submit batch: ${BATCH}`);
    console.log(`raw BullMQ (addBulk + Worker, no-op):          ${raw.toFixed(0)} jobs/s`);
    console.log(`new system (submit → COMPLETED, full history):  ${ours.toFixed(0)} orders/s`);
    console.log(`ratio new/raw: ${(ours / raw).toFixed(3)}`);
  } finally {
    await h.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
