import type { QueueConfig } from "@qmc/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "./testing/api-harness.ts";

/**
 * Every config change's audit event holds, as `before`, the version that was live and, as
 * `after`, the version that was written — number, values, actor and reason — exactly as the
 * QueueConfig rows hold them. Checked through the HTTP API over every kind of change.
 */
let h: ApiHarness;
let operator: string;
let admin: string;

beforeAll(async () => {
  h = await createApiHarness("config_audit");
  [operator, admin] = await Promise.all([h.tokenFor("OPERATOR"), h.tokenFor("ADMIN")]);
});
afterAll(() => h.close());

/** A QueueConfig row as the audit trail must show it (JSON: dates as ISO strings). */
function snapshot(row: QueueConfig) {
  return {
    version: row.version,
    useNewQueueSystem: row.useNewQueueSystem,
    shadowMode: row.shadowMode,
    newQueueRolloutPercent: row.rolloutBasisPoints / 100,
    salt: row.salt,
    paused: row.paused,
    pausedReason: row.pausedReason,
    legacyRetired: row.legacyRetired,
    actor: row.actor,
    reason: row.reason,
    createdAt: row.createdAt.toISOString(),
  };
}

describe("config audit events", () => {
  it("hold the previous live version as before and the written version as after, for every change", async () => {
    const op = h.client(h.web, operator);
    const ad = h.client(h.web, admin);
    await op.rollout.set.mutate({ useNewQueueSystem: true, newQueueRolloutPercent: 10, reason: "canary 10" });
    await op.rollout.set.mutate({ shadowMode: true, reason: "compare in shadow" });
    await op.rollout.set.mutate({ newQueueRolloutPercent: 50.25, reason: "half" });
    await op.rollout.rollback.mutate({ reason: "p99 doubled" });
    await ad.rollout.setSalt.mutate({ salt: "audit-salt-2", reason: "rotate the salt" });
    await op.rollout.resume.mutate({ reason: "acknowledged" });
    await op.rollout.set.mutate({ useNewQueueSystem: true, newQueueRolloutPercent: 100, reason: "all in" });
    await ad.migration.retire.mutate({ reason: "phase 4" });
    await ad.migration.unretire.mutate({ reason: "undo phase 4" });

    const rows = await h.engine.db.prisma.queueConfig.findMany({ orderBy: { version: "asc" } });
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const byVersion = new Map(rows.map((r) => [r.version, snapshot(r)]));

    const { items } = await ad.audit.find.query({ limit: 200 });
    const events = items.filter((e) => e.subjectType === "QueueConfig").reverse();
    expect(events.map((e) => [e.action, e.subjectId])).toEqual([
      ["config.change", "2"],
      ["config.change", "3"],
      ["config.change", "4"],
      ["config.rollback", "5"],
      ["config.salt", "6"],
      ["config.resume", "7"],
      ["config.change", "8"],
      ["legacy.retire", "9"],
      ["legacy.unretire", "10"],
    ]);
    for (const event of events) {
      const version = Number(event.subjectId);
      expect({ version, before: event.before, after: event.after }).toEqual({
        version,
        before: byVersion.get(version - 1),
        after: byVersion.get(version),
      });
      expect(event.reason).toBe(byVersion.get(version)?.reason);
      expect(event.actor).toBe(byVersion.get(version)?.actor);
    }
  });
});
