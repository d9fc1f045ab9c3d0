import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "./auth/api-tokens.ts";
import { ensureFirstAdmin } from "./auth/bootstrap-admin.ts";
import type { Role } from "./auth/roles.ts";
import { scopesGrantableBy } from "./auth/scopes.ts";
import { createUser } from "./auth/users.ts";
import { type ApiHarness, createApiHarness } from "./testing/api-harness.ts";
import { type RawResponse, rawCall } from "./testing/raw-call.ts";

/**
 * Account lifecycle through the real HTTP endpoint (issue 9 item 7): the last admin stays, admins
 * disable, enable, reset passwords and revoke sessions and tokens, the password rule, the first
 * sign-in password change, token expiry, and tokens that cannot mint tokens. Account
 * administration needs a signed-in admin (issue 14): it is done here with the admin's cookie.
 */
let h: ApiHarness;
let admin: Account;
let adminSession: { cookie: string };
let bootstrap: { email: string; password: string };
let origin: string;
let accounts = 0;

interface Account {
  id: string;
  email: string;
  password: string;
  token: string;
}

const PASSWORD = "plum orchard telescope";

beforeAll(async () => {
  h = await createApiHarness("accounts");
  origin = new URL(h.web.url).origin;
  // First, while the database has no admin: the install's first admin, with a generated password.
  const first = await ensureFirstAdmin(h.engine.db.prisma, {}, () => {});
  bootstrap = { email: first.email, password: first.generatedPassword ?? "" };
  admin = await account("ADMIN");
  adminSession = await cookieOf(admin.email, admin.password);
});
afterAll(() => h.close());

/** A user of `role` with a known password and an API token, created directly in the database. */
async function account(role: Role): Promise<Account> {
  const who = { actor: "test-setup" };
  const email = `${role.toLowerCase()}-${accounts++}@accounts.example.com`;
  const user = await createUser(h.engine.db.prisma, { email, password: PASSWORD, role }, who);
  const { token } = await createApiToken(
    h.engine.db.prisma,
    { userId: user.id, name: "test", scopes: scopesGrantableBy(role) },
    who,
  );
  return { id: user.id, email, password: PASSWORD, token };
}

type Auth = { token: string } | { cookie: string };

/** One call as a plain HTTP client: with a bearer token, or with a cookie from the console's origin. */
function call(path: string, type: "query" | "mutation", input: unknown, auth?: Auth): Promise<RawResponse> {
  if (!auth) return rawCall(h.web.url, path, type, input, { headers: { origin } });
  if ("token" in auth) return rawCall(h.web.url, path, type, input, { token: auth.token });
  return rawCall(h.web.url, path, type, input, { headers: { cookie: auth.cookie, origin } });
}

const query = (path: string, auth: Auth, input?: unknown) => call(path, "query", input, auth);
const mutate = (path: string, auth: Auth, input: unknown) => call(path, "mutation", input, auth);

async function signIn(email: string, password: string): Promise<RawResponse & { cookie: string }> {
  const response = await call("auth.signIn", "mutation", { email, password });
  return { ...response, cookie: response.headers.getSetCookie()[0]?.split(";")[0] ?? "" };
}

async function cookieOf(email: string, password: string): Promise<{ cookie: string }> {
  const response = await signIn(email, password);
  expect(response.status).toBe(200);
  return { cookie: response.cookie };
}

function failure(response: RawResponse) {
  return {
    status: response.status,
    code: response.error?.data.code,
    domainCode: response.error?.data.domainCode,
  };
}

/** Runs `fn` while `ids` are the only admins (the others are operators meanwhile). */
async function withOnlyAdmins<T>(ids: string[], fn: () => Promise<T>): Promise<T> {
  const prisma = h.engine.db.prisma;
  const others = await prisma.user.findMany({
    where: { role: "ADMIN", id: { notIn: ids } },
    select: { id: true },
  });
  const otherIds = others.map((o) => o.id);
  await prisma.user.updateMany({ where: { id: { in: otherIds } }, data: { role: "OPERATOR" } });
  try {
    return await fn();
  } finally {
    await prisma.user.updateMany({ where: { id: { in: otherIds } }, data: { role: "ADMIN" } });
  }
}

const activeAdmins = () => h.engine.db.prisma.user.count({ where: { role: "ADMIN", disabledAt: null } });

describe("the last active admin", () => {
  it("cannot demote or disable itself: 412 LAST_ADMIN, nothing changes", async () => {
    const solo = await account("ADMIN");
    const soloSession = await cookieOf(solo.email, solo.password);
    await withOnlyAdmins([solo.id], async () => {
      const demote = await mutate("users.setRole", soloSession, { userId: solo.id, role: "OPERATOR" });
      expect(failure(demote)).toEqual({ status: 412, code: "PRECONDITION_FAILED", domainCode: "LAST_ADMIN" });
      expect(demote.error?.message).toMatch(/last active admin/);
      const disable = await mutate("users.disable", soloSession, { userId: solo.id, reason: "leaving" });
      expect(failure(disable)).toEqual({
        status: 412,
        code: "PRECONDITION_FAILED",
        domainCode: "LAST_ADMIN",
      });
      const row = await h.engine.db.prisma.user.findUniqueOrThrow({ where: { id: solo.id } });
      expect(row).toMatchObject({ role: "ADMIN", disabledAt: null });
      // A disabled admin does not count: with the other admin disabled, this one is still the last.
      const idle = await account("ADMIN");
      await h.engine.db.prisma.user.update({ where: { id: idle.id }, data: { disabledAt: new Date() } });
      const again = await mutate("users.setRole", soloSession, { userId: solo.id, role: "VIEWER" });
      expect(failure(again).domainCode).toBe("LAST_ADMIN");
      await h.engine.db.prisma.user.update({ where: { id: idle.id }, data: { role: "VIEWER" } });
    });
  });

  it("two admins demoting or disabling each other at the same time leave one admin", async () => {
    for (const round of [1, 2, 3, 4, 5, 6]) {
      const [a, b] = [await account("ADMIN"), await account("ADMIN")];
      const [aSession, bSession] = [await cookieOf(a.email, a.password), await cookieOf(b.email, b.password)];
      const outcomes = await withOnlyAdmins([a.id, b.id], async () => {
        const [ab, ba] =
          round % 2 === 0
            ? await Promise.all([
                mutate("users.disable", aSession, { userId: b.id, reason: `round ${round}` }),
                mutate("users.disable", bSession, { userId: a.id, reason: `round ${round}` }),
              ])
            : await Promise.all([
                mutate("users.setRole", aSession, { userId: b.id, role: "VIEWER" }),
                mutate("users.setRole", bSession, { userId: a.id, role: "VIEWER" }),
              ]);
        expect(await activeAdmins()).toBe(1);
        return [ab.status, ba.status].sort();
      });
      // One wins; the other is refused as the last admin, or as no admin (or no account) any more.
      expect(outcomes[0]).toBe(200);
      expect([401, 403, 412]).toContain(outcomes[1]);
      await h.engine.db.prisma.user.updateMany({
        where: { id: { in: [a.id, b.id] } },
        data: { role: "VIEWER" },
      });
    }
  });
});

describe("disable and enable", () => {
  it("disabling ends the user's cookie and tokens at once and refuses sign-in; enabling lets them sign in", async () => {
    const user = await account("OPERATOR");
    const session = await cookieOf(user.email, user.password);
    expect((await query("rollout.get", session)).status).toBe(200);
    expect((await query("rollout.get", user)).status).toBe(200);

    const disabled = await mutate("users.disable", adminSession, {
      userId: user.id,
      reason: "left the team",
    });
    expect(disabled.status).toBe(200);
    expect(disabled.data).toMatchObject({ endedSessions: 1, revokedTokens: 1, user: { id: user.id } });
    expect((disabled.data as { user: { disabledAt: Date | null } }).user.disabledAt).toBeInstanceOf(Date);

    expect(failure(await query("rollout.get", session))).toMatchObject({ status: 401 });
    expect(failure(await query("rollout.get", user))).toMatchObject({ status: 401 });
    expect(failure(await signIn(user.email, user.password))).toMatchObject({
      status: 401,
      domainCode: "INVALID_CREDENTIALS",
    });
    const event = await h.engine.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "user.disable", subjectId: user.id },
    });
    expect(event).toMatchObject({ actor: admin.email, actorUserId: admin.id, reason: "left the team" });

    expect(
      failure(await mutate("users.enable", adminSession, { userId: user.id, reason: "" })),
    ).toMatchObject({
      status: 400,
    });
    const enabled = await mutate("users.enable", adminSession, {
      userId: user.id,
      reason: "back from leave",
    });
    expect(enabled.data).toMatchObject({ id: user.id, disabledAt: null });
    const back = await cookieOf(user.email, user.password);
    expect((await query("rollout.get", back)).status).toBe(200);
    // Tokens revoked by the disable stay revoked.
    expect((await query("rollout.get", user)).status).toBe(401);
  });

  it("is for admins only", async () => {
    const operator = await account("OPERATOR");
    const target = await account("VIEWER");
    const operatorSession = await cookieOf(operator.email, operator.password);
    const response = await mutate("users.disable", operatorSession, { userId: target.id, reason: "no" });
    expect(failure(response)).toMatchObject({ status: 403, code: "FORBIDDEN" });
    expect(
      failure(await mutate("users.disable", adminSession, { userId: crypto.randomUUID(), reason: "x" })),
    ).toEqual({
      status: 404,
      code: "NOT_FOUND",
      domainCode: "USER_NOT_FOUND",
    });
  });
});

describe("sessions and tokens of another user", () => {
  it("an admin lists and ends a user's sessions, lists and revokes one token or all", async () => {
    const user = await account("VIEWER");
    const [first, second] = [
      await cookieOf(user.email, user.password),
      await cookieOf(user.email, user.password),
    ];
    const { token: spare } = await createApiToken(
      h.engine.db.prisma,
      { userId: user.id, name: "spare", scopes: ["read"] },
      { actor: "test-setup" },
    );
    const sessions = await query("users.sessions", adminSession, { userId: user.id });
    expect(sessions.data).toHaveLength(2);
    expect(sessions.text).not.toContain(first.cookie.split("=")[1]);

    const ended = await mutate("users.revokeSessions", adminSession, {
      userId: user.id,
      reason: "lost laptop",
    });
    expect(ended.data).toEqual({ endedSessions: 2 });
    expect((await query("rollout.get", first)).status).toBe(401);
    expect((await query("rollout.get", second)).status).toBe(401);

    const tokens = (await query("users.tokens", adminSession, { userId: user.id })).data as Array<{
      id: string;
      name: string;
    }>;
    expect(tokens.map((t) => t.name).sort()).toEqual(["spare", "test"]);
    const spareId = tokens.find((t) => t.name === "spare")?.id;
    const one = await mutate("users.revokeTokens", adminSession, {
      userId: user.id,
      tokenId: spareId,
      reason: "leaked",
    });
    expect(one.data).toEqual({ revokedTokens: 1 });
    expect((await query("rollout.get", { token: spare })).status).toBe(401);
    expect((await query("rollout.get", user)).status).toBe(200);
    const all = await mutate("users.revokeTokens", adminSession, {
      userId: user.id,
      reason: "rotate everything",
    });
    expect(all.data).toEqual({ revokedTokens: 1 });
    expect((await query("rollout.get", user)).status).toBe(401);

    const actions = await h.engine.db.prisma.auditEvent.findMany({
      where: { subjectId: user.id, action: { in: ["user.revoke_sessions", "user.revoke_tokens"] } },
      orderBy: { id: "asc" },
    });
    expect(actions.map((a) => [a.action, a.actor, a.reason])).toEqual([
      ["user.revoke_sessions", admin.email, "lost laptop"],
      ["user.revoke_tokens", admin.email, "leaked"],
      ["user.revoke_tokens", admin.email, "rotate everything"],
    ]);
  });
});

describe("password change at the first sign-in", () => {
  const ALLOWED_ONLY = "PASSWORD_CHANGE_REQUIRED";

  it("after an admin's reset: old sessions end, the new password must be changed before anything else", async () => {
    const user = await account("OPERATOR");
    const before = await cookieOf(user.email, user.password);
    const reset = await mutate("users.resetPassword", adminSession, { userId: user.id, reason: "forgot it" });
    expect(reset.status).toBe(200);
    const { temporaryPassword, endedSessions } = reset.data as {
      temporaryPassword: string;
      endedSessions: number;
    };
    expect(temporaryPassword).toMatch(/^\S{20,}$/);
    expect(endedSessions).toBe(1);
    expect((await query("rollout.get", before)).status).toBe(401);
    expect((await signIn(user.email, user.password)).status).toBe(401);

    const signedIn = await signIn(user.email, temporaryPassword);
    expect(signedIn.data).toMatchObject({ user: { mustChangePassword: true } });
    const session = { cookie: signedIn.cookie };
    expect((await query("auth.me", session)).data).toMatchObject({ id: user.id, mustChangePassword: true });
    for (const [path, type, input] of [
      ["rollout.get", "query", undefined],
      ["workOrders.submit", "mutation", { kind: "synthetic", payload: {} }],
      ["auth.createToken", "mutation", { name: "sneaky" }],
      ["auth.tokens", "query", undefined],
    ] as const) {
      expect([path, failure(await call(path, type, input, session))]).toEqual([
        path,
        { status: 403, code: "FORBIDDEN", domainCode: ALLOWED_ONLY },
      ]);
    }
    // The reset revoked the API token made before it too (issue 14).
    expect((await query("rollout.get", user)).status).toBe(401);

    const wrong = await mutate("auth.changePassword", session, {
      currentPassword: "not the password",
      newPassword: "marble canyon lantern",
    });
    expect(failure(wrong)).toMatchObject({ status: 401, domainCode: "INVALID_CREDENTIALS" });
    const weak = await mutate("auth.changePassword", session, {
      currentPassword: temporaryPassword,
      newPassword: "password1234",
    });
    expect(failure(weak)).toMatchObject({ status: 400, domainCode: "WEAK_PASSWORD" });
    const changed = await mutate("auth.changePassword", session, {
      currentPassword: temporaryPassword,
      newPassword: "marble canyon lantern",
    });
    expect(changed.data).toEqual({ changed: true, endedSessions: 0 });
    expect((await query("rollout.get", session)).status).toBe(200);
    expect((await query("auth.me", session)).data).toMatchObject({ mustChangePassword: false });

    const audit = await h.engine.db.prisma.auditEvent.findMany({
      where: { subjectId: user.id, action: { in: ["user.reset_password", "user.change_password"] } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => [a.action, a.actor, a.reason])).toEqual([
      ["user.reset_password", admin.email, "forgot it"],
      ["user.change_password", user.email, null],
    ]);
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain(temporaryPassword);
  });

  it("the first admin's generated password must be changed; signing out stays allowed", async () => {
    const first = await signIn(bootstrap.email, bootstrap.password);
    expect(first.data).toMatchObject({ user: { role: "ADMIN", mustChangePassword: true } });
    const session = { cookie: first.cookie };
    expect(failure(await query("users.list", session)).domainCode).toBe(ALLOWED_ONLY);
    expect((await mutate("auth.signOut", session, undefined)).status).toBe(200);

    const again = { cookie: (await signIn(bootstrap.email, bootstrap.password)).cookie };
    const other = { cookie: (await signIn(bootstrap.email, bootstrap.password)).cookie };
    const changed = await mutate("auth.changePassword", again, {
      currentPassword: bootstrap.password,
      newPassword: "granite meadow violin",
    });
    expect(changed.data).toEqual({ changed: true, endedSessions: 1 });
    expect((await query("users.list", again)).status).toBe(200);
    // Changing the password ends the other sessions.
    expect((await query("users.list", other)).status).toBe(401);
  });

  it("an admin may reset to a password of their choice, which still has to pass the rule", async () => {
    const user = await account("VIEWER");
    const weak = await mutate("users.resetPassword", adminSession, {
      userId: user.id,
      password: "password1234",
      reason: "x",
    });
    expect(failure(weak)).toMatchObject({ status: 400, domainCode: "WEAK_PASSWORD" });
    const chosen = await mutate("users.resetPassword", adminSession, {
      userId: user.id,
      password: "harbor quartz lullaby",
      reason: "told them by phone",
    });
    expect(chosen.data).toMatchObject({ temporaryPassword: null, user: { mustChangePassword: true } });
    const session = await cookieOf(user.email, "harbor quartz lullaby");
    expect(failure(await query("rollout.get", session)).domainCode).toBe(ALLOWED_ONLY);
  });
});

describe("the password rule", () => {
  it.each([
    ["12 spaces", "            ", /only spaces/],
    ["password1234", "password1234", /too easy to guess\. .*commonly used password/],
    ["the email itself", "jane.doe@accounts.example.com", /too easy to guess/],
    ["the email's name part", "Jane.Doe2024", /too easy to guess/],
  ])("refuses %s with WEAK_PASSWORD and a sentence saying why", async (_name, password, message) => {
    const response = await mutate("users.create", adminSession, {
      email: "jane.doe@accounts.example.com",
      name: "Jane Doe",
      password,
      role: "VIEWER",
    });
    expect(failure(response)).toEqual({ status: 400, code: "BAD_REQUEST", domainCode: "WEAK_PASSWORD" });
    expect(response.error?.message).toMatch(message);
    expect(response.error?.message).toMatch(/\.$/);
    expect(await h.engine.db.prisma.user.count({ where: { email: "jane.doe@accounts.example.com" } })).toBe(
      0,
    );
  });

  it("accepts a passphrase of unrelated words", async () => {
    const response = await mutate("users.create", adminSession, {
      email: "jane.doe@accounts.example.com",
      password: "velvet tractor monsoon",
      role: "VIEWER",
    });
    expect(response.status).toBe(200);
  });
});

describe("API tokens", () => {
  it("a signed-in person creates a token that expires; once expired it is refused", async () => {
    const user = await account("OPERATOR");
    const session = await cookieOf(user.email, user.password);
    const created = await mutate("auth.createToken", session, {
      name: "nightly job",
      scopes: ["read"],
      expiresInDays: 30,
    });
    expect(created.status).toBe(200);
    const { id, token, expiresAt } = created.data as { id: string; token: string; expiresAt: Date };
    expect(Math.abs(expiresAt.getTime() - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    expect((await query("rollout.get", { token })).status).toBe(200);

    await h.engine.db.prisma.apiToken.update({
      where: { id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(failure(await query("rollout.get", { token }))).toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
    });

    for (const expiresInDays of [0, 366, 1.5]) {
      const bad = await mutate("auth.createToken", session, {
        name: "too long",
        scopes: ["read"],
        expiresInDays,
      });
      expect([expiresInDays, failure(bad).status]).toEqual([expiresInDays, 400]);
    }
  });

  it("a token cannot mint tokens nor change the password: 403 SESSION_REQUIRED", async () => {
    const user = await account("ADMIN");
    const before = await h.engine.db.prisma.apiToken.count({ where: { userId: user.id } });
    const minted = await mutate("auth.createToken", user, { name: "from a token" });
    expect(failure(minted)).toEqual({ status: 403, code: "FORBIDDEN", domainCode: "SESSION_REQUIRED" });
    const change = await mutate("auth.changePassword", user, {
      currentPassword: user.password,
      newPassword: "saffron glacier piano",
    });
    expect(failure(change)).toEqual({ status: 403, code: "FORBIDDEN", domainCode: "SESSION_REQUIRED" });
    expect(await h.engine.db.prisma.apiToken.count({ where: { userId: user.id } })).toBe(before);
    await h.engine.db.prisma.user.update({ where: { id: user.id }, data: { role: "VIEWER" } });
  });
});
