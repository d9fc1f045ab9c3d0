import { describe, expect, it } from "vitest";
import { auditEntryId, formatAuditCursor, parseAuditCursor } from "./audit-cursor.ts";

describe("audit trail cursors", () => {
  it("name a time and an entry of any of the three stores, and read back what they name", () => {
    for (const source of ["audit", "transition", "legacy"] as const) {
      const cursor = formatAuditCursor(1796644800123, auditEntryId(source, 42n));
      expect(parseAuditCursor(cursor)).toEqual({ atMs: 1796644800123, source, id: 42n });
    }
    expect(formatAuditCursor(5, auditEntryId("transition", 7))).toBe("5.t7");
  });

  it.each([
    "",
    "42",
    "t42",
    "1796644800000",
    "1796644800000.",
    "1796644800000.x42",
    "1796644800000.t0",
    "1796644800000.t-1",
    "-1.42",
    "1796644800000.42 ",
    "1796644800000.9223372036854775808",
    "1234567890123456.1",
  ])("refuse %j", (cursor) => {
    expect(parseAuditCursor(cursor)).toBeNull();
  });

  it("accept the largest id Postgres stores", () => {
    expect(parseAuditCursor("0.l9223372036854775807")?.id).toBe(9223372036854775807n);
  });
});
