import { connectRedis } from "@qmc/transport";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_SIGN_IN_LIMITS, type SignInLimits } from "./auth/sign-in-throttle.ts";
import { createUser } from "./auth/users.ts";
import { type ApiHarness, createApiHarness, type WebProcess } from "./testing/api-harness.ts";
import { type RawResponse, rawCall } from "./testing/raw-call.ts";
import { type ServedApi, serveApi } from "./testing/serve-api.ts";
import { startTcpProxy, withPort } from "./testing/tcp-proxy.ts";

/**
 * Sign-in throttling through the real HTTP endpoint (issue 9, item 3): per account and per
 * client address, shared by web processes through Redis, checked before any password work, the
 * same for accounts that do not exist, and with a bounded number of audit rows.
 */
/** Counts argon2 verifications (the real ones still run), to show blocked attempts cause none. */
const argon2 = vi.hoisted(() => ({ verifications: 0 }));
vi.mock("@node-rs/argon2", async (importOriginal) => {
  const real = await importOriginal<typeof import("@node-rs/argon2")>();
  return {
    ...real,
    verify: (...args: Parameters<typeof real.verify>) => {
      argon2.verifications++;
      return real.verify(...args);
    },
  };
});

let h: ApiHarness;
let second: WebProcess;
const PASSWORD = "correct horse battery staple";
const { account, address } = DEFAULT_SIGN_IN_LIMITS;
let accounts = 0;
let addresses = 0;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  h = await createApiHarness("sign_in_throttle");
  second = await h.startWebProcess();
});
afterAll(async () => {
  for (const close of cleanup) await close();
  await h.close();
});

/** A fresh account (or, with `exists: false`, a fresh email nobody has). */
async function newAccount(exists = true): Promise<string> {
  const email = `user-${accounts++}@example.com`;
  if (exists)
    await createUser(h.engine.db.prisma, { email, password: PASSWORD, role: "VIEWER" }, { actor: "test" });
  return email;
}

/** A client address of its own (the server trusts X-Forwarded-For's last entry by default). */
function newAddress(): string {
  addresses++;
  return `10.${(addresses >> 8) & 255}.${addresses & 255}.1`;
}

function attempt(web: { url: string }, email: string, password: string, from: string): Promise<RawResponse> {
  const origin = new URL(web.url).origin;
  return rawCall(
    web.url,
    "auth.signIn",
    "mutation",
    { email, password },
    {
      headers: { origin, "x-forwarded-for": from },
    },
  );
}

function expectRateLimited(response: RawResponse, seconds?: number) {
  expect(response.status).toBe(429);
  expect(response.error?.data).toMatchObject({ code: "TOO_MANY_REQUESTS", domainCode: "RATE_LIMITED" });
  const wait = response.error?.data.details?.retryAfterSeconds as number;
  if (seconds !== undefined) expect(wait).toBe(seconds);
  expect(wait).toBeGreaterThan(0);
  expect(response.headers.get("retry-after")).toBe(String(wait));
  expect(response.error?.message).toMatch(/^Too many sign-in attempts\. Wait \d+ s before trying again\.$/);
}

function signInRows(email: string) {
  return h.engine.db.prisma.auditEvent.count({
    where: { actor: email, action: { startsWith: "auth.sign_in" } },
  });
}

describe("per account", () => {
  it("50 wrong passwords, then the right one: refused after 5, across two web processes", async () => {
    const email = await newAccount();
    const codes: Array<string | null | undefined> = [];
    for (let i = 0; i < 50; i++) {
      // Alternating processes and a new address each time: only the account ties them together.
      const response = await attempt(i % 2 ? second : h.web, email, `wrong password ${i}`, newAddress());
      codes.push(response.error?.data.domainCode);
    }
    expect(codes.slice(0, account.failures)).toEqual(Array(account.failures).fill("INVALID_CREDENTIALS"));
    expect(codes.slice(account.failures)).toEqual(Array(50 - account.failures).fill("RATE_LIMITED"));

    const right = await attempt(second, email, PASSWORD, newAddress());
    expectRateLimited(right);
    expect(right.error?.data.details?.retryAfterSeconds).toBeLessThanOrEqual(account.blockSeconds);
    expect(right.error?.data.details?.retryAfterSeconds).toBeGreaterThan(account.blockSeconds - 30);
    expect(right.headers.getSetCookie()).toEqual([]);
  });

  it("answers an email without an account exactly as one with an account", async () => {
    const [real, ghost] = [await newAccount(), await newAccount(false)];
    const answers: RawResponse[][] = [[], []];
    for (let i = 0; i <= account.failures; i++) {
      answers[0]?.push(await attempt(h.web, real, "not the password", newAddress()));
      answers[1]?.push(await attempt(h.web, ghost, "not the password", newAddress()));
    }
    const shape = (r: RawResponse) => ({ status: r.status, message: r.error?.message, data: r.error?.data });
    expect(answers[0]?.map(shape)).toEqual(answers[1]?.map(shape));
    expectRateLimited(answers[1]?.at(-1) as RawResponse, account.blockSeconds);
  });

  it("a blocked attempt costs no password verification", async () => {
    const email = await newAccount();
    for (let i = 0; i < account.failures; i++) {
      const before = argon2.verifications;
      await attempt(h.web, email, "wrong", newAddress());
      expect(argon2.verifications - before).toBe(1);
    }
    const before = argon2.verifications;
    for (let i = 0; i < 20; i++) expectRateLimited(await attempt(second, email, PASSWORD, newAddress()));
    expect(argon2.verifications - before).toBe(0);
  });

  it("concurrent guesses cannot slip past the limit", async () => {
    const email = await newAccount();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        attempt(i % 2 ? second : h.web, email, `guess ${i}`, newAddress()),
      ),
    );
    const codes = responses.map((r) => r.error?.data.domainCode);
    expect(codes.filter((c) => c === "INVALID_CREDENTIALS").length).toBeLessThanOrEqual(account.failures);
    expect(codes.filter((c) => c === "RATE_LIMITED").length).toBeGreaterThanOrEqual(20 - account.failures);
  });

  it("a successful sign-in clears the account's failures", async () => {
    const email = await newAccount();
    const from = newAddress();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < account.failures - 1; i++) {
        expect((await attempt(h.web, email, "wrong", from)).error?.data.domainCode).toBe(
          "INVALID_CREDENTIALS",
        );
      }
      expect((await attempt(second, email, PASSWORD, from)).status).toBe(200);
    }
  });

  it("with Redis not answering, sign-in fails closed: 503, and no password is checked", async () => {
    const email = await newAccount();
    const redisUrl = h.engine.redisUrl;
    const proxy = await startTcpProxy(Number(new URL(redisUrl).port || 6379));
    const publisher = await connectRedis(withPort(redisUrl, proxy.port), "producer");
    publisher.on("error", () => {});
    const web = await serveApi({ ...h.web.services, publisher });
    cleanup.push(async () => {
      await web.close();
      publisher.disconnect();
    });
    expect((await attempt(web, email, PASSWORD, newAddress())).status).toBe(200);

    await proxy.cut();
    const before = argon2.verifications;
    const response = await attempt(web, email, PASSWORD, newAddress());
    expect(response.status).toBe(503);
    expect(response.error?.data).toMatchObject({
      domainCode: "SERVICE_UNAVAILABLE",
      details: { service: "redis" },
    });
    expect(response.headers.get("retry-after")).toBe("5");
    expect(argon2.verifications).toBe(before);
  });
});

describe("per client address", () => {
  it(`${address.failures} failures from one address over many accounts block that address on every process`, async () => {
    const from = newAddress();
    for (let i = 0; i < address.failures; i++) {
      const response = await attempt(i % 2 ? second : h.web, await newAccount(false), "guess", from);
      expect(response.error?.data.domainCode).toBe("INVALID_CREDENTIALS");
    }
    const email = await newAccount();
    expectRateLimited(await attempt(h.web, email, PASSWORD, from), address.blockSeconds);
    expectRateLimited(await attempt(second, email, PASSWORD, from));
    // Another address is not affected, nor is the account (its one refusal was not its fault).
    expect((await attempt(h.web, email, PASSWORD, newAddress())).status).toBe(200);
  });

  it("behind a trusted proxy, the client's own X-Forwarded-For entries do not choose its address", async () => {
    const proxied = await serveApi(h.web.services, { trustedProxyHops: 1 });
    cleanup.push(() => proxied.close());
    const real = newAddress();
    for (let i = 0; i < address.failures; i++) {
      // The client forges a new address each time; the proxy appends the one it saw.
      await attempt(proxied, await newAccount(false), "guess", `${newAddress()}, ${real}`);
    }
    expectRateLimited(await attempt(proxied, await newAccount(false), "guess", `${newAddress()}, ${real}`));
  });
});

describe("blocks and the audit trail", () => {
  /** A web process with short blocks and a small audit budget, under its own Redis keys. */
  async function webWith(limits: SignInLimits): Promise<ServedApi> {
    const services = {
      ...h.web.services,
      queuePrefix: `${h.engine.prefix}-${Math.random().toString(36).slice(2)}`,
    };
    const served = await serveApi(services, { signInLimits: limits });
    cleanup.push(() => served.close());
    return served;
  }

  it("each further block of the same account lasts twice as long", async () => {
    const rule = { failures: 2, windowSeconds: 60, blockSeconds: 1, maxBlockSeconds: 3 };
    const web = await webWith({ ...DEFAULT_SIGN_IN_LIMITS, account: rule });
    const email = await newAccount();
    const blockAfterFailures = async () => {
      for (let i = 0; i < rule.failures; i++) {
        expect((await attempt(web, email, "wrong", newAddress())).error?.data.domainCode).toBe(
          "INVALID_CREDENTIALS",
        );
      }
      const refused = await attempt(web, email, "wrong", newAddress());
      expectRateLimited(refused);
      return refused.error?.data.details?.retryAfterSeconds;
    };
    expect(await blockAfterFailures()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await blockAfterFailures()).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await blockAfterFailures()).toBe(3); // capped at maxBlockSeconds
  });

  it("100 wrong passwords for one account write at most 6 audit rows: the failures counted, then the block", async () => {
    const email = await newAccount();
    const from = newAddress();
    for (let i = 0; i < 100; i++) await attempt(i % 2 ? second : h.web, email, `wrong ${i}`, from);
    expect(await signInRows(email)).toBeLessThanOrEqual(account.failures + 1);
    const block = await h.engine.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "auth.sign_in_blocked", subjectId: email },
    });
    expect(block).toMatchObject({
      actor: email,
      subjectType: "Account",
      after: {
        scope: "account",
        failures: account.failures,
        blockedSeconds: account.blockSeconds,
        address: from,
      },
    });
  });

  it("failures spread over many accounts and addresses stay within the audit budget of the window", async () => {
    const web = await webWith({ ...DEFAULT_SIGN_IN_LIMITS, failureAuditRows: 10 });
    const before = await h.engine.db.prisma.auditEvent.count();
    for (let i = 0; i < 30; i++) await attempt(web, await newAccount(false), "guess", newAddress());
    expect((await h.engine.db.prisma.auditEvent.count()) - before).toBe(10);
  });
});
