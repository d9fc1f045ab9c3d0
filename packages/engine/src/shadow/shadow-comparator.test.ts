import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { ShadowComparator } from "./shadow-comparator.ts";

/**
 * The comparator's window: after a full pass, a pass reads only the shadow copies finished since
 * its window's start (a minute behind what it has done, or the oldest shadow still waiting for its
 * legacy order), so its cost follows recent work, not history — and no pair is left behind.
 */
let h: EngineHarness;
const MINUTE = 60_000;

beforeAll(async () => {
  h = await createEngineHarness("shadow_window");
});
afterAll(() => h.close());

let counter = 0;
/** A legacy order and its shadow copy, the shadow finished `finishedAgoMs` ago. */
async function pair(
  legacyStatus: string,
  finishedAgoMs: number,
): Promise<{ legacy: string; shadow: string }> {
  const n = counter++;
  const legacy = `legacy-${n}`;
  const shadow = `shadow-${n}`;
  const finishedAt = new Date(Date.now() - finishedAgoMs).toISOString();
  await h.db.prisma.$executeRawUnsafe(
    `INSERT INTO "LegacyWorkOrder" (id, kind, payload, status, "submittedBy", "updatedAt")
       VALUES ($1, 'synthetic', '{}', $2, 'test', now())`,
    legacy,
    legacyStatus,
  );
  await h.db.prisma.$executeRawUnsafe(
    `INSERT INTO "WorkOrder" (id, kind, payload, state, role, "maxAttempts", "submittedBy", "updatedAt",
       "shadowOfId", "finishedAt", "exitCode")
     VALUES ($1, 'synthetic', '{}', 'COMPLETED', 'SHADOW', 1, 'test', now(), $2, $3::timestamp(3), 0)`,
    shadow,
    legacy,
    finishedAt,
  );
  return { legacy, shadow };
}

const compared = async (shadow: string) =>
  (await h.db.prisma.shadowComparison.count({ where: { shadowWorkOrderId: shadow } })) === 1;

describe("the shadow comparator's window", () => {
  it("compares a pair whose legacy order finishes an hour after its shadow; a late straggler waits for the full pass", async () => {
    const comparator = new ShadowComparator(h.db.prisma, h.resources.logger);
    const slowLegacy = await pair("running", 60 * MINUTE);
    const ready = await pair("completed", 0);
    expect(await comparator.compareFinished()).toBe(1); // the first pass is full
    expect(await compared(ready.shadow)).toBe(true);
    expect(await comparator.compareFinished()).toBe(0);

    // Its legacy order finishes now: the window still reaches back to its shadow.
    await h.db.prisma.legacyWorkOrder.update({
      where: { id: slowLegacy.legacy },
      data: { status: "completed" },
    });
    expect(await comparator.compareFinished()).toBe(1);
    expect(await compared(slowLegacy.shadow)).toBe(true);

    // A shadow whose finish commits two hours after its stamp is outside the window…
    const straggler = await pair("completed", 120 * MINUTE);
    expect(await comparator.compareFinished()).toBe(0);
    // …and the next full pass (every 10 minutes) compares it.
    expect(await comparator.compareFinished(500, { full: true })).toBe(1);
    expect(await compared(straggler.shadow)).toBe(true);
  });

  it("a full page moves the window only to its last pair: the rest come next pass", async () => {
    const comparator = new ShadowComparator(h.db.prisma, h.resources.logger);
    const pairs = [
      await pair("completed", 30 * MINUTE),
      await pair("failed", 20 * MINUTE),
      await pair("completed", 10 * MINUTE),
    ];
    expect(await comparator.compareFinished(2, { full: true })).toBe(2); // the two oldest
    expect(await comparator.compareFinished(2)).toBe(1); // windowed, from the second's finish
    for (const p of pairs) expect(await compared(p.shadow)).toBe(true);
    expect(await comparator.compareFinished(2)).toBe(0);
  });
});
