import { RollupAccumulator, streamWindow } from "@qmc/core";
import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRollupWindow, writeRollups } from "./rollup-store.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("rollup_store");
});
afterAll(() => db.drop());

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

describe("the rollup store", () => {
  it("sums every source's minutes of a window in Postgres, and a repeated flush counts once", async () => {
    const a = new RollupAccumulator();
    const b = new RollupAccumulator();
    for (let i = 0; i < 90; i++)
      a.record("NEW", { type: "completed", runTimeMs: 50, endToEndMs: 100 + i }, T0 + i * 1000);
    for (let i = 0; i < 10; i++)
      b.record("NEW", { type: "failed", runTimeMs: 50, endToEndMs: 900 }, T0 + i * 1000);
    b.record("LEGACY", { type: "submitted" }, T0);
    a.record("NEW", { type: "completed", runTimeMs: 1, endToEndMs: 1 }, T0 + 10 * 60_000); // outside
    const rowsA = a.snapshot(T0);
    const rowsB = b.snapshot(T0);
    await writeRollups(db.prisma, "worker:a", rowsA);
    await writeRollups(db.prisma, "worker:a", rowsA); // retried flush
    await writeRollups(db.prisma, "worker:b", rowsB);

    const window = { from: new Date(T0), to: new Date(T0 + 5 * 60_000) };
    const merged = await readRollupWindow(db.prisma, window.from, window.to);
    const newSystem = streamWindow("NEW", merged, window);
    const inMemory = streamWindow("NEW", [...rowsA, ...rowsB], window);
    expect(newSystem).toEqual(inMemory);
    expect(newSystem).toMatchObject({ completed: 90, failed: 10, finished: 100, errorRate: 0.1 });
    expect(streamWindow("LEGACY", merged, window).submitted).toBe(1);
    expect(await db.prisma.metricRollup.count()).toBe(5); // a: 2 minutes + 1 outside, b: NEW and LEGACY
  });
});
