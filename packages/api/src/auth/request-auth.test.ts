import { createTestDatabase, type TestDatabase } from "@qmc/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "./api-tokens.ts";
import {
  authenticateRequest,
  clearedSessionCookie,
  isSameOriginMutation,
  sessionCookie,
} from "./request-auth.ts";
import { signIn } from "./sessions.ts";
import { createUser } from "./users.ts";

let db: TestDatabase;
let sessionToken: string;
let apiToken: string;

beforeAll(async () => {
  db = await createTestDatabase("auth_request");
  const password = "a long enough password";
  await createUser(db.prisma, { email: "viewer@example.com", password, role: "VIEWER" }, { actor: "test" });
  const operator = await createUser(
    db.prisma,
    { email: "op@example.com", password, role: "OPERATOR" },
    { actor: "test" },
  );
  sessionToken = (await signIn(db.prisma, { email: "viewer@example.com", password }, { ttlMs: 60_000 }))
    .token;
  apiToken = (
    await createApiToken(db.prisma, { userId: operator.id, name: "ci", scopes: ["read"] }, { actor: "test" })
  ).token;
});
afterAll(async () => {
  await db.drop();
});

describe("authenticateRequest", () => {
  it("resolves the session cookie among other cookies", async () => {
    const headers = new Headers({ cookie: `theme=dark; qmc_session=${sessionToken}; other=1` });
    expect(await authenticateRequest(db.prisma, headers)).toMatchObject({
      email: "viewer@example.com",
      via: "session",
    });
  });

  it("resolves a bearer API token", async () => {
    const headers = new Headers({ authorization: `Bearer ${apiToken}` });
    expect(await authenticateRequest(db.prisma, headers)).toMatchObject({
      email: "op@example.com",
      via: "token",
    });
  });

  it("prefers the bearer and never falls back to the cookie when the bearer is bad", async () => {
    const both = new Headers({ authorization: `Bearer ${apiToken}`, cookie: `qmc_session=${sessionToken}` });
    expect((await authenticateRequest(db.prisma, both))?.via).toBe("token");
    const badBearer = new Headers({
      authorization: "Bearer qmc_bogus",
      cookie: `qmc_session=${sessionToken}`,
    });
    expect(await authenticateRequest(db.prisma, badBearer)).toBeNull();
  });

  it("returns null without credentials or with an unknown cookie", async () => {
    expect(await authenticateRequest(db.prisma, new Headers())).toBeNull();
    expect(await authenticateRequest(db.prisma, new Headers({ cookie: "qmc_session=stale" }))).toBeNull();
  });
});

describe("isSameOriginMutation", () => {
  const allowed = ["https://console.example.com"];
  const check = (init: Record<string, string>) => isSameOriginMutation(new Headers(init), allowed);

  it("accepts the request's own origin, from Host and x-forwarded-proto", () => {
    expect(check({ host: "localhost:3000", origin: "http://localhost:3000" })).toBe(true);
    expect(
      check({ host: "qmc.internal", "x-forwarded-proto": "https", origin: "https://qmc.internal" }),
    ).toBe(true);
    expect(check({ host: "qmc.internal", origin: "https://qmc.internal" })).toBe(false);
  });

  it("falls back to the Referer's origin when Origin is absent", () => {
    expect(check({ host: "localhost:3000", referer: "http://localhost:3000/rollout?x=1" })).toBe(true);
    expect(check({ host: "localhost:3000", referer: "http://evil.example/page" })).toBe(false);
  });

  it("refuses a foreign or opaque origin", () => {
    expect(check({ host: "localhost:3000", origin: "http://evil.example" })).toBe(false);
    expect(check({ host: "localhost:3000", origin: "http://localhost:3001" })).toBe(false);
    expect(check({ host: "localhost:3000", origin: "null" })).toBe(false);
  });

  it("accepts an allowlisted origin", () => {
    expect(check({ host: "10.0.0.5:3000", origin: "https://console.example.com" })).toBe(true);
  });

  it("exempts bearer requests, which are never cookie-authenticated", () => {
    expect(check({ host: "localhost:3000", authorization: `Bearer ${apiToken}` })).toBe(true);
    expect(check({ host: "localhost:3000", origin: "http://evil.example", authorization: "Bearer x" })).toBe(
      true,
    );
  });

  it("refuses a cookie request with neither Origin nor Referer", () => {
    expect(check({ host: "localhost:3000", cookie: `qmc_session=${sessionToken}` })).toBe(false);
  });
});

describe("session cookies", () => {
  it("sets an HttpOnly, SameSite=Lax cookie on / that expires with the session", () => {
    const expiresAt = new Date(Date.now() + 3_600_000);
    const cookie = sessionCookie("tok", expiresAt, { secure: false });
    expect(cookie.startsWith("qmc_session=tok; ")).toBe(true);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    expect(cookie).toContain(`Expires=${expiresAt.toUTCString()}`);
    expect(cookie).toMatch(/Max-Age=(3599|3600)(;|$)/);
    expect(cookie).not.toContain("Secure");
    expect(sessionCookie("tok", expiresAt, { secure: true })).toMatch(/; Secure$/);
  });

  it("clears the cookie", () => {
    const cleared = clearedSessionCookie();
    expect(cleared.startsWith("qmc_session=; ")).toBe(true);
    expect(cleared).toContain("Max-Age=0");
    expect(cleared).toContain("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  });
});
