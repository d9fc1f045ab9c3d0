import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { LegacyStatusBatcher, readDeliveredLegacyOrder, setLegacyStatuses } from "./legacy-status-writer.ts";

/**
 * Legacy status changes written together keep their own guards: in one statement, each lands or
 * is refused on its own (status, claim, migrated), with its history and attempt row only when it
 * landed.
 */
let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("legacy_status_writer");
});
afterAll(() => h.close());

async function submitLegacy(ids: string[]) {
  await h.submitter.submitMany(
    ids.map((id) => ({ id, kind: "synthetic", payload: {}, system: "LEGACY" as const, actor: "t" })),
  );
}

const history = async (id: string) =>
  (await h.db.prisma.legacyStatusChange.findMany({ where: { workOrderId: id }, orderBy: { id: "asc" } })).map(
    (c) => `${c.fromStatus ?? "∅"} → ${c.toStatus}`,
  );

describe("legacy status changes in one statement", () => {
  it("lands each change whose guard holds and refuses the others, row by row", async () => {
    await submitLegacy(["ok-1", "ok-2", "moved-on", "claimed-by-other"]);
    const startedAt = new Date();
    const claim = { workerId: "w1", startedAt };
    await setLegacyStatuses(h.db.prisma, [
      {
        workOrderId: "claimed-by-other",
        change: { from: "queued", to: "building", workerId: "w2", fields: { workerId: "w2", startedAt } },
      },
    ]);
    const landed = await setLegacyStatuses(h.db.prisma, [
      {
        workOrderId: "ok-1",
        change: { from: "queued", to: "building", workerId: "w1", fields: { workerId: "w1", startedAt } },
      },
      { workOrderId: "moved-on", change: { from: "running", to: "completed", workerId: "w1" } },
      { workOrderId: "claimed-by-other", change: { from: "building", to: "running", workerId: "w1", claim } },
      {
        workOrderId: "ok-2",
        change: { from: "queued", to: "building", workerId: "w1", fields: { workerId: "w1", startedAt } },
      },
    ]);
    expect(landed).toEqual([true, false, false, true]);
    expect(await history("ok-1")).toEqual(["∅ → queued", "queued → building"]);
    expect(await history("moved-on")).toEqual(["∅ → queued"]);
    expect(await history("claimed-by-other")).toEqual(["∅ → queued", "queued → building"]);
    const order = await readDeliveredLegacyOrder(h.db.prisma, "ok-1");
    expect(order).toMatchObject({ status: "building", workerId: "w1", startedAt, migratedAt: null });
  });

  it("batches concurrent changes, writing the attempt row with the finishing one only", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `many-${i}`);
    await submitLegacy(ids);
    const batcher = new LegacyStatusBatcher(h.db.prisma);
    const startedAt = new Date();
    const claim = { workerId: "w1", startedAt };
    const claimed = await Promise.all(
      ids.map((id) =>
        batcher.set(id, {
          from: "queued",
          to: "building",
          workerId: "w1",
          fields: { workerId: "w1", startedAt },
        }),
      ),
    );
    expect(claimed.every(Boolean)).toBe(true);
    const finished = await Promise.all(
      ids.map((id) =>
        batcher.set(id, {
          from: "building",
          to: "completed",
          workerId: "w1",
          claim,
          fields: { finishedAt: new Date(), exitCode: 0, output: "done" },
          attemptRow: {
            system: "LEGACY",
            role: "PRIMARY",
            workOrderId: id,
            attempt: 1,
            workerId: "w1",
            startedAt,
            endedAt: new Date(),
            durationMs: 3,
            queuedMs: 1,
          },
        }),
      ),
    );
    expect(finished.every(Boolean)).toBe(true);
    expect(
      await h.db.prisma.legacyWorkOrder.count({
        where: { id: { in: ids }, status: "completed", output: "done" },
      }),
    ).toBe(30);
    const attempts = await h.db.prisma.executionAttempt.findMany({ where: { workOrderId: { in: ids } } });
    expect(attempts).toHaveLength(30);
    expect(attempts[0]).toMatchObject({
      system: "LEGACY",
      attempt: 1,
      workerId: "w1",
      durationMs: 3,
      startedAt,
    });
  });
});
