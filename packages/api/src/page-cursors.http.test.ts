import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "./testing/api-harness.ts";
import { rawCall } from "./testing/raw-call.ts";

/**
 * A paging cursor the list never gave out is a typed 400 with one sentence telling the caller to
 * start from the first page — never "Cannot convert abc to a BigInt", never a silently empty page
 * (issue 14, item 5d). Every list that pages takes its cursor through the same schema.
 */
let h: ApiHarness;
let viewer: string;
let operator: string;

beforeAll(async () => {
  h = await createApiHarness("page_cursors");
  [viewer, operator] = await Promise.all([h.tokenFor("VIEWER"), h.tokenFor("OPERATOR")]);
  for (let i = 0; i < 3; i++) {
    const submitted = await rawCall(
      h.web.url,
      "workOrders.submit",
      "mutation",
      { kind: "synthetic", payload: { durationMs: 1 } },
      { token: operator },
    );
    expect(submitted.status).toBe(200);
  }
});
afterAll(() => h.close());

const SENTENCE =
  /^Invalid input: cursor: The cursor .* is not one this list gave out \(its cursors are [^)]*\); start from the first page \(leave the cursor out\)\.$/;

const BAD_CURSORS: Array<{ name: string; cursor: unknown }> = [
  { name: "abc", cursor: "abc" },
  { name: "-1", cursor: "-1" },
  { name: "1e3", cursor: "1e3" },
  { name: "2^64", cursor: String(2n ** 64n) },
  { name: "the empty string", cursor: "" },
  { name: "a number", cursor: 12 },
];

const LISTS = [
  { path: "audit.find", input: {} },
  { path: "guard.alerts", input: {} },
  { path: "workOrders.find", input: { system: "NEW" } },
  { path: "workOrders.find", input: { system: "LEGACY" } },
];

describe("page cursors", () => {
  for (const list of LISTS) {
    const label = `${list.path} ${JSON.stringify(list.input)}`;
    it.each(BAD_CURSORS)(
      `${label}: cursor $name → 400 INVALID_INPUT with the sentence`,
      async ({ cursor }) => {
        const response = await rawCall(
          h.web.url,
          list.path,
          "query",
          { ...list.input, cursor },
          { token: viewer },
        );
        expect(response.status).toBe(400);
        expect(response.error?.data).toMatchObject({ code: "BAD_REQUEST", domainCode: "INVALID_INPUT" });
        expect(response.error?.data.details?.issues).toEqual([
          { path: "cursor", message: expect.any(String) },
        ]);
        expect(response.error?.message).toMatch(SENTENCE);
        expect(response.text).not.toMatch(/BigInt|SyntaxError|prisma/i);
      },
    );
  }

  it("a work-order id that is no order of the list is refused too, rather than answering an empty page", async () => {
    for (const system of ["NEW", "LEGACY"]) {
      const response = await rawCall(
        h.web.url,
        "workOrders.find",
        "query",
        { system, cursor: "no-such-order" },
        { token: viewer },
      );
      expect(response.status).toBe(400);
      expect(response.error?.message).toMatch(SENTENCE);
    }
    const alerts = await rawCall(
      h.web.url,
      "guard.alerts",
      "query",
      { cursor: "00000000-0000-4000-8000-000000000000" },
      { token: viewer },
    );
    expect(alerts.status).toBe(400);
    expect(alerts.error?.message).toMatch(SENTENCE);
  });

  it("the cursors a list gives out still page through it", async () => {
    // With the switch off (a fresh database), the three orders went to the legacy system.
    const first = await rawCall(
      h.web.url,
      "workOrders.find",
      "query",
      { system: "LEGACY", limit: 2 },
      { token: viewer },
    );
    const page1 = first.data as { items: Array<{ id: string }>; nextCursor: string | null };
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const second = await rawCall(
      h.web.url,
      "workOrders.find",
      "query",
      { system: "LEGACY", limit: 2, cursor: page1.nextCursor },
      { token: viewer },
    );
    expect(second.status).toBe(200);
    const page2 = second.data as { items: Array<{ id: string }>; nextCursor: string | null };
    expect(page2.items).toHaveLength(1);
    expect(page2.items[0]?.id).not.toBe(page1.items[0]?.id);

    const audit = await rawCall(h.web.url, "audit.find", "query", { limit: 1 }, { token: viewer });
    const auditPage = audit.data as { items: Array<{ id: string }>; nextCursor: string | null };
    expect(auditPage.nextCursor).not.toBeNull();
    const auditNext = await rawCall(
      h.web.url,
      "audit.find",
      "query",
      { limit: 1, cursor: auditPage.nextCursor },
      { token: viewer },
    );
    expect(auditNext.status).toBe(200);
  });

  it("an audit event id that is not a number (audit.resubmit) is a typed 400 too, not a BigInt error", async () => {
    const response = await rawCall(
      h.web.url,
      "audit.resubmit",
      "mutation",
      { auditEventId: "abc", idempotencyKey: "key-123456", reason: "again" },
      { token: operator },
    );
    expect(response.status).toBe(400);
    expect(response.error?.data).toMatchObject({ domainCode: "INVALID_INPUT" });
    expect(response.error?.message).toBe(
      "Invalid input: auditEventId: an audit event id is a whole number of at most 19 digits.",
    );
  });

  it("an audit cursor is a position, not a row: one before every entry pages to nothing", async () => {
    const response = await rawCall(h.web.url, "audit.find", "query", { cursor: "0.1" }, { token: viewer });
    expect(response.status).toBe(200);
    expect((response.data as { items: unknown[] }).items).toEqual([]);
  });
});
