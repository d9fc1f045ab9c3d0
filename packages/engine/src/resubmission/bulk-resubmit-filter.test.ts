import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness } from "../testing/engine-harness.ts";
import { submissionsWhere } from "./bulk-resubmit-filter.ts";

let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness("bulk_filter");
});
afterAll(() => h.close());

describe("which submissions a bulk resubmission takes", () => {
  it("primaries (an event without a role included) and never a shadow copy", async () => {
    const base = {
      actor: "a",
      action: "work_order.submit",
      subjectType: "WorkOrder",
      submission: { kind: "synthetic", payload: {} },
    };
    await h.db.prisma.auditEvent.createMany({
      data: [
        { ...base, subjectId: "no-after" },
        { ...base, subjectId: "no-role", after: { system: "NEW" } },
        { ...base, subjectId: "primary", after: { role: "PRIMARY" } },
        { ...base, subjectId: "shadow", after: { role: "SHADOW" } },
        { ...base, subjectId: "not-a-submit", action: "work_order.resubmit", after: { role: "PRIMARY" } },
      ],
    });
    const ids = async (copies: "primary" | "shadow") =>
      (
        await h.db.prisma.auditEvent.findMany({
          where: submissionsWhere({}, 1_000_000n, copies),
          orderBy: { id: "asc" },
          select: { subjectId: true },
        })
      ).map((e) => e.subjectId);
    expect(await ids("primary")).toEqual(["no-after", "no-role", "primary"]);
    expect(await ids("shadow")).toEqual(["shadow"]);
  });
});
