import type { PrismaClient } from "@qmc/db";
import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil } from "../testing/order-history.ts";
import { RollupWriter } from "./rollup-writer.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("rollup_writer");
});
afterAll(() => db.drop());

const logger = pino({ level: "silent" });
const completed = { type: "completed", runTimeMs: 20, endToEndMs: 50 } as const;

/** A client whose raw statements fail as told: after running (the answer lost) or before. */
function faultyStatements(prisma: PrismaClient, plan: Array<"lost-answer" | "refused" | "ok">) {
  return new Proxy(prisma, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property !== "$executeRaw") return typeof value === "function" ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        const fault = plan.shift() ?? "ok";
        if (fault === "refused") throw new Error("connection refused");
        const result = await (value as (...a: unknown[]) => Promise<number>).apply(target, args);
        if (fault === "lost-answer") throw new Error("connection lost after commit");
        return result;
      };
    },
  });
}

const rowsOf = (source: string) => db.prisma.metricRollup.findMany({ where: { source } });
const sum = (rows: Array<{ completed: number }>) => rows.reduce((n, r) => n + r.completed, 0);

describe("the rollup writer", () => {
  it("puts a failed flush back and sends it again; a flush that landed and is repeated counts once", async () => {
    const prisma = faultyStatements(db.prisma, ["lost-answer", "refused"]);
    const writer = new RollupWriter(prisma, { source: "worker:faulty", flushMs: 3_600_000, logger });
    await writer.start();
    for (let i = 0; i < 5; i++) writer.record("NEW", completed);
    await writer.flush(); // landed, but the writer never heard so
    expect(writer.failedFlushes).toBe(1);
    for (let i = 0; i < 3; i++) writer.record("NEW", completed);
    await writer.flush(); // refused: nothing written
    expect(writer.failedFlushes).toBe(2);
    expect(sum(await rowsOf("worker:faulty"))).toBe(5);
    await writer.stop(); // the final flush goes through
    expect(sum(await rowsOf("worker:faulty"))).toBe(8);
    expect(await writer.instruments.count("NEW", "completed")).toBe(8);
  });

  it("a process restarted under the same source adds to its rows instead of overwriting them", async () => {
    const first = new RollupWriter(db.prisma, { source: "worker:same", flushMs: 3_600_000, logger });
    await first.start();
    for (let i = 0; i < 4; i++) first.record("LEGACY", { type: "submitted" });
    await first.stop();
    const second = new RollupWriter(db.prisma, { source: "worker:same", flushMs: 3_600_000, logger });
    await second.start();
    second.record("LEGACY", { type: "submitted" });
    second.record("LEGACY", { type: "submitted" });
    await second.stop();
    const rows = await rowsOf("worker:same");
    expect(rows.reduce((n, r) => n + r.submitted, 0)).toBe(6);
  });

  it("flushes on its own every flushMs, and stops doing so once stopped", async () => {
    const writer = new RollupWriter(db.prisma, { source: "worker:timer", flushMs: 100, logger });
    await writer.start();
    writer.record("SHADOW", completed);
    await pollUntil(
      () => rowsOf("worker:timer"),
      (rows) => sum(rows) === 1,
      5_000,
    );
    await writer.stop();
    writer.record("SHADOW", completed); // after stop: counted in memory, never written
    await new Promise((r) => setTimeout(r, 300));
    expect(sum(await rowsOf("worker:timer"))).toBe(1);
  });

  it("counts an event given a bad time in the current minute instead of poisoning later flushes", async () => {
    const writer = new RollupWriter(db.prisma, { source: "worker:odd", flushMs: 3_600_000, logger });
    await writer.start();
    expect(() => writer.record("NEW", completed, Number.NaN)).not.toThrow();
    writer.record("NEW", completed);
    await writer.stop();
    expect(writer.failedFlushes).toBe(0);
    expect(sum(await rowsOf("worker:odd"))).toBe(2);
  });
});
