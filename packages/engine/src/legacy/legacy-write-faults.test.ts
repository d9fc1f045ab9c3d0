import { Writable } from "node:stream";
import pg from "pg";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { QueueEngine } from "../queue-engine.ts";
import { createEngineHarness, type EngineHarness, waitForTerminal } from "../testing/engine-harness.ts";

/**
 * Every legacy state write rides out a database fault as the new system's do: a connection cut
 * exactly while a write is in Postgres is retried, and the order finishes normally. A write that
 * still cannot land in time fails the order with what happened, not "worker … stopped".
 *
 * Deterministic: a trigger in the test database makes the chosen status change wait on an
 * advisory lock the test holds; once the worker's statement waits there, the test terminates
 * that backend (57P01, what a failover or an administrator does) and lets go.
 */
let h: EngineHarness;
let admin: pg.Client;
let engine: QueueEngine | null = null;
const logs: Array<{ msg?: string; workOrderId?: string }> = [];

/** The advisory lock each status change waits on (the trigger's argument). */
const PAUSE_KEYS = { "queued → building": 4201, "building → running": 4202 } as const;
type PausedWrite = keyof typeof PAUSE_KEYS;

beforeAll(async () => {
  h = await createEngineHarness("legacy_write_faults", 6);
  // Advisory locks belong to one database: the test's session must be in the same one.
  admin = new pg.Client({ connectionString: h.db.url });
  await admin.connect();
  await admin.query(`
    CREATE FUNCTION test_pause_legacy_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_advisory_xact_lock(TG_ARGV[0]::bigint); RETURN NEW; END $$;
    CREATE TRIGGER pause_claim BEFORE UPDATE ON "LegacyWorkOrder" FOR EACH ROW
      WHEN (OLD.status = 'queued' AND NEW.status = 'building')
      EXECUTE FUNCTION test_pause_legacy_write(${PAUSE_KEYS["queued → building"]});
    CREATE TRIGGER pause_start BEFORE UPDATE ON "LegacyWorkOrder" FOR EACH ROW
      WHEN (OLD.status = 'building' AND NEW.status = 'running')
      EXECUTE FUNCTION test_pause_legacy_write(${PAUSE_KEYS["building → running"]});`);
});
afterEach(async () => {
  await engine?.stop(2_000);
  engine = null;
});
afterAll(async () => {
  await admin.end();
  await h.close();
});

/** A legacy-only worker whose log lines the test reads. */
async function startLegacyWorker(workerId: string, writeRetryMs?: number) {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  engine = await h.startEngine(
    { workerId, systems: ["LEGACY"], ...(writeRetryMs === undefined ? {} : { writeRetryMs }) },
    { logger: pino({ level: "info" }, sink) },
  );
}

/** Backends whose statement waits on the pause of `write`. */
async function waitingOn(write: PausedWrite): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1",
    [PAUSE_KEYS[write]],
  );
  return rows.map((r) => r.pid);
}

/**
 * Holds `write` paused and cuts every connection that waits on it until `cuts` were made (or,
 * with `forMs`, for that long); then lets the write through. Returns the number of cuts.
 */
async function cutConnectionsDuring(write: PausedWrite, until: { cuts?: number; forMs?: number }) {
  await admin.query("SELECT pg_advisory_lock($1)", [PAUSE_KEYS[write]]);
  let cuts = 0;
  const started = Date.now();
  try {
    for (;;) {
      for (const pid of await waitingOn(write)) {
        await admin.query("SELECT pg_terminate_backend($1)", [pid]);
        cuts++;
      }
      const elapsed = Date.now() - started;
      if (until.cuts !== undefined && cuts >= until.cuts) return cuts;
      if (until.forMs !== undefined && elapsed >= until.forMs) return cuts;
      if (elapsed > 20_000) throw new Error(`no ${write} write came to be cut`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await admin.query("SELECT pg_advisory_unlock($1)", [PAUSE_KEYS[write]]);
  }
}

async function submitLegacy(id: string) {
  await h.submitter.submit({
    id,
    kind: "synthetic",
    payload: { durationMs: 20 },
    system: "LEGACY",
    actor: "t",
  });
}

async function outcomeOf(id: string) {
  const [order, history, attempts] = await Promise.all([
    h.db.prisma.legacyWorkOrder.findUniqueOrThrow({ where: { id } }),
    h.db.prisma.legacyStatusChange.findMany({ where: { workOrderId: id }, orderBy: { id: "asc" } }),
    h.db.prisma.executionAttempt.findMany({ where: { workOrderId: id } }),
  ]);
  return {
    status: order.status,
    errorMessage: order.errorMessage,
    history: history.map((c) => `${c.fromStatus ?? "∅"} → ${c.toStatus}`),
    attempts: attempts.map((a) => ({ attempt: a.attempt, errorClass: a.errorClass })),
  };
}

describe("a legacy order whose state write meets a cut connection", () => {
  it.each(Object.keys(PAUSE_KEYS) as PausedWrite[])(
    "on its %s write completes normally, with one attempt and its job never failed",
    async (write) => {
      const id = `cut-${write.replace(/\W+/g, "-")}`;
      await startLegacyWorker(`w-${id}`);
      await submitLegacy(id);
      expect(await cutConnectionsDuring(write, { cuts: 1 })).toBe(1);
      await waitForTerminal(h.db, [id], 20_000);
      expect(await outcomeOf(id)).toEqual({
        status: "completed",
        errorMessage: null,
        history: ["∅ → queued", "queued → building", "building → running", "running → completed"],
        attempts: [{ attempt: 1, errorClass: null }],
      });
      const about = logs.filter((l) => l.workOrderId === id).map((l) => l.msg);
      expect(about).toContain("state write failed; retrying");
      expect(about).not.toContain("legacy job failed; the reconciler will settle its order");
    },
  );

  it("that cannot land within WRITE_RETRY_MS fails, saying the database was unreachable while recording it", async () => {
    const id = "cut-until-given-up";
    await startLegacyWorker(`w-${id}`, 1_000);
    await submitLegacy(id);
    // Every try of building → running is cut for longer than the worker retries it.
    expect(await cutConnectionsDuring("building → running", { forMs: 2_500 })).toBeGreaterThan(1);
    await waitForTerminal(h.db, [id], 20_000);
    const outcome = await outcomeOf(id);
    expect(outcome).toMatchObject({
      status: "failed",
      history: ["∅ → queued", "queued → building", "building → failed"],
      attempts: [{ attempt: 1, errorClass: "INTERNAL" }],
    });
    expect(outcome.errorMessage).toMatch(
      /^the database was unreachable for 1 s while recording building → running \(.*terminating connection.*\)$/,
    );
  });
});
