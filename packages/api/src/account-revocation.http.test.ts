import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "./auth/api-tokens.ts";
import type { Role } from "./auth/roles.ts";
import { DEFAULT_SIGN_IN_LIMITS } from "./auth/sign-in-throttle.ts";
import { createUser } from "./auth/users.ts";
import { type ApiHarness, createApiHarness } from "./testing/api-harness.ts";
import { type RawResponse, rawCall } from "./testing/raw-call.ts";

/**
 * Taking access away through the real HTTP endpoint (issue 14, item 2): an admin's password
 * reset and a disable end the user's sessions and revoke their API tokens in the same
 * transaction, and `auth.changePassword` is throttled like sign-in — a stolen session cannot
 * guess the current password any faster than the sign-in form allows.
 */
let h: ApiHarness;
let origin: string;
let admin: { cookie: string };
let people = 0;
let addresses = 0;
const PASSWORD = "plum orchard telescope";
const { failures } = DEFAULT_SIGN_IN_LIMITS.account;

beforeAll(async () => {
  h = await createApiHarness("account_revocation");
  origin = new URL(h.web.url).origin;
  admin = (await person("ADMIN")).session;
});
afterAll(() => h.close());

/** A client address of its own, so the per-address sign-in limit of one test never hits another. */
function newAddress(): string {
  addresses++;
  return `10.14.${addresses & 255}.2`;
}

async function signIn(email: string, password: string, address = "127.0.0.1"): Promise<RawResponse> {
  return rawCall(
    h.web.url,
    "auth.signIn",
    "mutation",
    { email, password },
    {
      headers: { origin, "x-forwarded-for": address },
    },
  );
}

/** A person of `role` with a known password, a session and an API token holding `read`. */
async function person(role: Role) {
  const email = `revocation-${role.toLowerCase()}-${people++}@example.com`;
  const who = { actor: "test-setup" };
  const user = await createUser(h.engine.db.prisma, { email, password: PASSWORD, role }, who);
  const token = await createApiToken(
    h.engine.db.prisma,
    { userId: user.id, name: "cron", scopes: ["read"] },
    who,
  );
  const response = await signIn(email, PASSWORD);
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie()[0]?.split(";")[0] ?? "";
  return { id: user.id, email, token: token.token, tokenId: token.id, session: { cookie } };
}

const asSession = (session: { cookie: string }, path: string, type: "query" | "mutation", input?: unknown) =>
  rawCall(h.web.url, path, type, input, { headers: { cookie: session.cookie, origin } });

function refusal(response: RawResponse) {
  return { status: response.status, domainCode: response.error?.data.domainCode ?? null };
}

describe("a password reset or a disable takes every way in away at once", () => {
  it("an admin's reset revokes the user's API tokens and ends their sessions in one transaction, audited", async () => {
    const user = await person("OPERATOR");
    const read = (auth: { token: string } | { session: { cookie: string } }) =>
      "token" in auth
        ? rawCall(h.web.url, "rollout.get", "query", undefined, { token: auth.token })
        : asSession(auth.session, "rollout.get", "query");
    expect((await read({ token: user.token })).status).toBe(200);
    expect((await read({ session: user.session })).status).toBe(200);

    const reset = await asSession(admin, "users.resetPassword", "mutation", {
      userId: user.id,
      reason: "phished",
    });
    expect(reset.status, reset.text).toBe(200);
    expect(reset.data).toMatchObject({ endedSessions: 1, revokedTokens: 1 });

    expect(refusal(await read({ token: user.token })).status).toBe(401);
    expect(refusal(await read({ session: user.session })).status).toBe(401);
    const token = await h.engine.db.prisma.apiToken.findUniqueOrThrow({ where: { id: user.tokenId } });
    expect(token.revokedAt).toBeInstanceOf(Date);
    const event = await h.engine.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "user.reset_password", subjectId: user.id },
    });
    expect(event).toMatchObject({
      reason: "phished",
      after: { endedSessions: 1, revokedTokenIds: [user.tokenId] },
    });
  });

  it("disabling revokes the user's API tokens and ends their sessions at once", async () => {
    const user = await person("VIEWER");
    const disabled = await asSession(admin, "users.disable", "mutation", { userId: user.id, reason: "left" });
    expect(disabled.data).toMatchObject({ endedSessions: 1, revokedTokens: 1 });
    expect((await rawCall(h.web.url, "rollout.get", "query", undefined, { token: user.token })).status).toBe(
      401,
    );
    expect((await asSession(user.session, "rollout.get", "query")).status).toBe(401);
  });
});

describe("auth.changePassword is throttled like sign-in", () => {
  const change = (
    session: { cookie: string },
    currentPassword: string,
    address: string,
    newPassword = "granite meadow violin",
  ) =>
    rawCall(
      h.web.url,
      "auth.changePassword",
      "mutation",
      { currentPassword, newPassword },
      {
        headers: { cookie: session.cookie, origin, "x-forwarded-for": address },
      },
    );

  it(`after ${failures} wrong current passwords the account is blocked: 429 RATE_LIMITED with Retry-After, for sign-in too`, async () => {
    const user = await person("VIEWER");
    const address = newAddress();
    for (let i = 0; i < failures; i++) {
      expect(refusal(await change(user.session, `wrong guess ${i}`, address))).toEqual({
        status: 401,
        domainCode: "INVALID_CREDENTIALS",
      });
    }
    const blocked = await change(user.session, PASSWORD, address);
    expect(refusal(blocked)).toEqual({ status: 429, domainCode: "RATE_LIMITED" });
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // The password did not change, and the account's sign-in is blocked as well (one count).
    expect(refusal(await signIn(user.email, PASSWORD, newAddress()))).toEqual({
      status: 429,
      domainCode: "RATE_LIMITED",
    });
    const failed = await h.engine.db.prisma.auditEvent.count({
      where: { action: "user.change_password_failed", subjectId: user.id },
    });
    expect(failed).toBe(failures);
  });

  it("a right current password clears the count; the change ends the other sessions and keeps this one", async () => {
    const user = await person("VIEWER");
    const other = await signIn(user.email, PASSWORD);
    const otherSession = { cookie: other.headers.getSetCookie()[0]?.split(";")[0] ?? "" };
    const address = newAddress();
    for (let i = 0; i < failures - 1; i++) await change(user.session, `wrong guess ${i}`, address);
    // Right password, weak new one: refused, but the person proved they know the password.
    expect(refusal(await change(user.session, PASSWORD, address, "password1234")).domainCode).toBe(
      "WEAK_PASSWORD",
    );
    for (let i = 0; i < failures - 1; i++) await change(user.session, `wrong again ${i}`, address);

    const changed = await change(user.session, PASSWORD, address);
    expect(changed.status, changed.text).toBe(200);
    expect(changed.data).toEqual({ changed: true, endedSessions: 1 });
    expect((await asSession(user.session, "rollout.get", "query")).status).toBe(200);
    expect((await asSession(otherSession, "rollout.get", "query")).status).toBe(401);
  });
});
