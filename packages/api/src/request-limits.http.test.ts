import { request as httpRequest } from "node:http";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleTrpcRequest, MAX_BATCH_CALLS, MAX_REQUEST_BYTES } from "./http/handle-trpc-request.ts";
import { type ApiHarness, createApiHarness } from "./testing/api-harness.ts";
import { type RawError, rawCall } from "./testing/raw-call.ts";

/**
 * Request limits through the real HTTP endpoint, before any authentication or parsing: the body
 * is counted as it arrives (413 at 2 MiB, whatever Content-Length says), and a batch carries at
 * most 10 calls and never auth.signIn with another (issue 9, items 2 and 3).
 */
let h: ApiHarness;
let origin: string;

beforeAll(async () => {
  h = await createApiHarness("request_limits");
  origin = new URL(h.web.url).origin;
});
afterAll(() => h.close());

interface Upload {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  error: RawError | null;
  /** Bytes the client had handed to its socket when the answer came. */
  sentWhenAnswered: number;
  /** Largest growth of this process's RSS (server and client) while the upload ran. */
  rssGrowth: number;
  elapsedMs: number;
}

/**
 * Streams `totalBytes` of a sign-in body to `auth.signIn`, chunked (no Content-Length) unless
 * `contentLength` is given, and stops sending as soon as the server answers.
 */
function upload(totalBytes: number, contentLength?: number): Promise<Upload> {
  const url = new URL(`${h.web.url}/auth.signIn`);
  const head = Buffer.from('{"json":{"email":"mallory@example.com","password":"');
  const chunk = Buffer.alloc(64 * 1024, "a");
  const started = Date.now();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          origin,
          ...(contentLength !== undefined ? { "content-length": String(contentLength) } : {}),
        },
      },
      (res) => {
        answered = true;
        const sentWhenAnswered = sent;
        const parts: Buffer[] = [];
        res.on("data", (part: Buffer) => parts.push(part));
        res.on("end", () => {
          clearInterval(sampler);
          const text = Buffer.concat(parts).toString();
          const parsed = JSON.parse(text) as { error?: { json: RawError } };
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            error: parsed.error?.json ?? null,
            sentWhenAnswered,
            rssGrowth: Math.max(rssPeak, process.memoryUsage().rss) - rssBefore,
            elapsedMs: Date.now() - started,
          });
          req.destroy();
        });
      },
    );
    // Once the server has answered and closed, further writes fail; that is expected.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      if (sent === 0) {
        req.write(head);
        sent += head.length;
      }
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

function expectPayloadTooLarge(result: Upload) {
  expect(result.status).toBe(413);
  expect(result.error?.data).toMatchObject({
    code: "PAYLOAD_TOO_LARGE",
    httpStatus: 413,
    domainCode: "PAYLOAD_TOO_LARGE",
    details: { maxBytes: MAX_REQUEST_BYTES },
  });
  expect(result.error?.message).toMatch(/over 2097152 bytes/);
}

describe("request body limit", () => {
  it("a chunked 50 MB sign-in body is refused with 413 as the limit passes, without holding the body", async () => {
    const result = await upload(50 * 1024 * 1024);
    expectPayloadTooLarge(result);
    // Answered while the client was still sending: the server stopped reading near 2 MiB
    // (plus what the sockets buffer), instead of reading all 50 MB and parsing it.
    expect(result.sentWhenAnswered).toBeLessThan(16 * 1024 * 1024);
    // RSS is this whole process (client buffers, socket buffers, garbage not yet collected), so
    // it only bounds coarsely: a server that held the body would grow by its 50 MB and more.
    expect(result.rssGrowth).toBeLessThan(40 * 1024 * 1024);
    expect(result.elapsedMs).toBeLessThan(5_000);
    // Nobody was looked up or audited for it.
    expect(await h.engine.db.prisma.auditEvent.count({ where: { actor: "mallory@example.com" } })).toBe(0);
  });

  it("a body longer than its Content-Length says is cut at the limit all the same", async () => {
    // Node's server enforces Content-Length; a runtime or proxy that does not must not matter.
    const chunk = new Uint8Array(256 * 1024).fill(97);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        if (pulled > 64 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const lying = new Request(`${h.web.url}/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "100", origin },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const response = await handleTrpcRequest(lying, h.web.services);
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect(pulled).toBeLessThanOrEqual(MAX_REQUEST_BYTES + 2 * chunk.byteLength);
  });

  it("a Content-Length over the limit is refused before the body is read", async () => {
    const result = await upload(256 * 1024, 10 * 1024 * 1024);
    expectPayloadTooLarge(result);
    expect(result.sentWhenAnswered).toBeLessThan(MAX_REQUEST_BYTES);
  });

  it("a body under the limit still reaches the procedure", async () => {
    const response = await rawCall(
      h.web.url,
      "auth.signIn",
      "mutation",
      { email: "nobody@example.com", password: "x".repeat(1000) },
      { headers: { origin } },
    );
    expect(response.error?.data.domainCode).toBe("INVALID_CREDENTIALS");
  });
});

/** A batch of `paths` (one input each) as httpBatchLink sends it: POST for mutations, GET for queries. */
async function batch(
  paths: string[],
  input: unknown,
  headers: Record<string, string> = {},
  method: "GET" | "POST" = "POST",
) {
  const inputs: Record<number, unknown> = {};
  paths.forEach((_, i) => {
    inputs[i] = superjson.serialize(input);
  });
  const url = `${h.web.url}/${paths.join(",")}?batch=1`;
  const response =
    method === "GET"
      ? await fetch(`${url}&input=${encodeURIComponent(JSON.stringify(inputs))}`, { headers })
      : await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", origin, ...headers },
          body: JSON.stringify(inputs),
        });
  const payload = (await response.json()) as Array<{ error?: { json: RawError }; result?: unknown }>;
  return { status: response.status, calls: payload };
}

describe("batch limit", () => {
  it("20 batched sign-in guesses are refused before any is tried", async () => {
    const guesses = Array.from({ length: 20 }, () => "auth.signIn");
    const { status, calls } = await batch(guesses, { email: "victim@example.com", password: "guess" });
    expect(status).toBe(400);
    expect(calls).toHaveLength(20);
    for (const call of calls) {
      expect(call.error?.json.data).toMatchObject({ code: "BAD_REQUEST", domainCode: "BATCH_TOO_LARGE" });
    }
    expect(await h.engine.db.prisma.auditEvent.count({ where: { actor: "victim@example.com" } })).toBe(0);
  });

  it("auth.signIn may not ride in a batch with anything else, even of two", async () => {
    const { status, calls } = await batch(["auth.signIn", "auth.me"], {
      email: "victim@example.com",
      password: "guess",
    });
    expect(status).toBe(400);
    expect(calls[0]?.error?.json.message).toMatch(/auth\.signIn cannot be batched/);
    expect(calls[0]?.error?.json.data.details).toMatchObject({ maxCalls: 1, procedure: "auth.signIn" });
  });

  it(`more than ${MAX_BATCH_CALLS} calls are refused; ${MAX_BATCH_CALLS} are served`, async () => {
    const token = await h.tokenFor("VIEWER");
    const auth = { authorization: `Bearer ${token}` };
    const over = await batch(Array(MAX_BATCH_CALLS + 1).fill("auth.me"), undefined, auth, "GET");
    expect(over.status).toBe(400);
    expect(over.calls[0]?.error?.json.data).toMatchObject({
      domainCode: "BATCH_TOO_LARGE",
      details: { calls: MAX_BATCH_CALLS + 1, maxCalls: MAX_BATCH_CALLS },
    });
    expect(over.calls[0]?.error?.json.message).toMatch(/at most 10 calls; this one has 11/);

    const within = await batch(Array(MAX_BATCH_CALLS).fill("auth.me"), undefined, auth, "GET");
    expect(within.status).toBe(200);
    expect(within.calls).toHaveLength(MAX_BATCH_CALLS);
    expect(within.calls.every((call) => call.result !== undefined)).toBe(true);
  });
});
