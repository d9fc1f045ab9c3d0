import { Writable } from "node:stream";
import { createLogger } from "@qmc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "./auth/users.ts";
import { type ApiHarness, createApiHarness } from "./testing/api-harness.ts";
import { rawCall } from "./testing/raw-call.ts";

/**
 * Input Postgres cannot store is a typed 400 (INVALID_INPUT, naming the field), through the real
 * HTTP endpoint — never a 500 carrying the database's text — and nothing is written.
 */
let h: ApiHarness;
let operator: string;
/** A signed-in admin's cookie: account administration and token minting take no API token. */
let adminCookie: string;
const logLines: string[] = [];

beforeAll(async () => {
  h = await createApiHarness("unstorable_input");
  operator = await h.tokenFor("OPERATOR");
  const email = "unstorable-admin@example.com";
  const password = "a long enough password";
  await createUser(h.engine.db.prisma, { email, password, role: "ADMIN" }, { actor: "test-setup" });
  const signIn = await rawCall(
    h.web.url,
    "auth.signIn",
    "mutation",
    { email, password },
    {
      headers: { origin: new URL(h.web.url).origin },
    },
  );
  adminCookie = signIn.headers.getSetCookie()[0]?.split(";")[0] ?? "";
  const capture = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  h.web.services.logger = createLogger("web", "info", { destination: capture });
});
afterAll(() => h.close());

async function rowCounts() {
  const p = h.engine.db.prisma;
  return {
    configs: await p.queueConfig.count(),
    orders: await p.workOrder.count(),
    legacyOrders: await p.legacyWorkOrder.count(),
    auditEvents: await p.auditEvent.count(),
    users: await p.user.count(),
  };
}

type Case = {
  name: string;
  path: string;
  type: "query" | "mutation";
  input: unknown;
  /** "session": a signed-in admin's cookie; else an operator's API token. */
  token?: "session";
  /** Where the refused value is, as error.data.details.issues[].path names it. */
  field: string;
};

const NUL = "\u0000";
const CASES: Case[] = [
  {
    name: "NUL in a reason",
    path: "rollout.set",
    type: "mutation",
    input: { useNewQueueSystem: true, reason: `a${NUL}b` },
    field: "reason",
  },
  {
    name: "NUL in a rollback reason",
    path: "rollout.rollback",
    type: "mutation",
    input: { reason: `${NUL}` },
    field: "reason",
  },
  {
    name: "NUL in an audit filter",
    path: "audit.find",
    type: "query",
    input: { actor: `ops${NUL}@example.com` },
    field: "actor",
  },
  {
    name: "NUL in a work-order filter",
    path: "workOrders.find",
    type: "query",
    input: { kind: `synthetic${NUL}` },
    field: "kind",
  },
  {
    name: "NUL in a payload string",
    path: "workOrders.submit",
    type: "mutation",
    input: { kind: "synthetic", payload: { note: `x${NUL}y` } },
    field: "payload.note",
  },
  {
    name: "NUL in a payload key",
    path: "workOrders.submit",
    type: "mutation",
    input: { kind: "synthetic", payload: { [`k${NUL}`]: 1 } },
    field: `payload.k${NUL}`,
  },
  {
    name: "NUL in an email",
    path: "users.create",
    type: "mutation",
    input: { email: `new${NUL}@example.com`, password: "a long enough password", role: "VIEWER" },
    token: "session",
    field: "email",
  },
  {
    name: "NUL in a token name",
    path: "auth.createToken",
    type: "mutation",
    input: { name: `ci${NUL}`, scopes: ["read"] },
    token: "session",
    field: "name",
  },
  {
    name: "a cursor beyond 64 bits",
    path: "audit.find",
    type: "query",
    input: { cursor: "9999999999999999999" },
    field: "cursor",
  },
  {
    name: "an audit event id beyond 64 bits",
    path: "audit.resubmit",
    type: "mutation",
    input: { auditEventId: "9223372036854775808", idempotencyKey: "key-123456", reason: "again" },
    field: "auditEventId",
  },
  {
    name: "a date after year 9999",
    path: "audit.find",
    type: "query",
    input: { from: new Date("+020000-01-01T00:00:00Z") },
    field: "from",
  },
  {
    name: "a date before 1970",
    path: "audit.find",
    type: "query",
    input: { to: new Date(-8.64e15) },
    field: "to",
  },
  {
    name: "a comparison window out of range",
    path: "comparison.stats",
    type: "query",
    input: { from: new Date(-1e14), to: new Date(-1e14 + 60_000) },
    field: "from",
  },
  {
    name: "superjson undefined for the switch",
    path: "rollout.set",
    type: "mutation",
    input: { useNewQueueSystem: undefined, reason: "undefined switch" },
    field: "useNewQueueSystem",
  },
  {
    name: "superjson undefined for shadow mode",
    path: "rollout.set",
    type: "mutation",
    input: { shadowMode: undefined, reason: "undefined shadow" },
    field: "shadowMode",
  },
];

describe("input Postgres cannot store", () => {
  it.each(CASES)("$name → 400 INVALID_INPUT naming the field, nothing written", async (c) => {
    const before = await rowCounts();
    const auth =
      c.token === "session"
        ? { headers: { cookie: adminCookie, origin: new URL(h.web.url).origin } }
        : { token: operator };
    const response = await rawCall(h.web.url, c.path, c.type, c.input, auth);
    expect(response.status).toBe(400);
    expect(response.error?.data).toMatchObject({ code: "BAD_REQUEST", domainCode: "INVALID_INPUT" });
    const issues = response.error?.data.details?.issues as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path)).toContain(c.field);
    expect(response.error?.message).toMatch(/^Invalid input: /);
    expect(response.text).not.toMatch(/prisma|invocation|postgres|22021|22P05|out of range for type/i);
    expect(await rowCounts()).toEqual(before);
  });

  it("names the 64-bit limit for an id that is too large", async () => {
    const response = await rawCall(
      h.web.url,
      "audit.find",
      "query",
      { cursor: "1796644800000.9999999999999999999" },
      { token: operator },
    );
    expect(response.error?.message).toContain("9223372036854775807");
  });

  it("a NUL in a sign-in email is refused before the account lookup", async () => {
    const origin = new URL(h.web.url).origin;
    const response = await rawCall(
      h.web.url,
      "auth.signIn",
      "mutation",
      { email: `admin${NUL}@example.com`, password: "whatever it is" },
      { headers: { origin } },
    );
    expect(response.status).toBe(400);
    expect(response.error?.data).toMatchObject({ domainCode: "INVALID_INPUT" });
  });

  it("storable values at the edges still work, and no 500 was logged", async () => {
    const ok = await rawCall(
      h.web.url,
      "audit.find",
      "query",
      {
        cursor: `${Date.UTC(9999, 11, 31)}.t9223372036854775807`,
        from: new Date(0),
        to: new Date("9999-12-31T00:00:00Z"),
      },
      { token: operator },
    );
    expect(ok.status).toBe(200);
    const submitted = await rawCall(
      h.web.url,
      "workOrders.submit",
      "mutation",
      { kind: "synthetic", payload: { durationMs: 1 } },
      { token: operator },
    );
    expect(submitted.status).toBe(200);
    expect(logLines.filter((line) => JSON.parse(line).level >= 50)).toEqual([]);
  });
});
