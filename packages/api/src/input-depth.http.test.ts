import { Writable } from "node:stream";
import { createLogger } from "@qmc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_INPUT_DEPTH } from "./http/request-limits.ts";
import { type ApiHarness, createApiHarness } from "./testing/api-harness.ts";
import { type RawError, rawCall } from "./testing/raw-call.ts";

/**
 * A deeply nested input is a typed 400 naming the depth limit, refused from the request's raw
 * JSON before anything walks it recursively (superjson, zod, the payload checks) — never
 * "Maximum call stack size exceeded" — and nothing is written (issue 14, item 5d).
 */
let h: ApiHarness;
let operator: string;
const logLines: string[] = [];

beforeAll(async () => {
  h = await createApiHarness("input_depth");
  operator = await h.tokenFor("OPERATOR");
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
    orders: await p.workOrder.count(),
    legacyOrders: await p.legacyWorkOrder.count(),
    auditEvents: await p.auditEvent.count(),
    configs: await p.queueConfig.count(),
  };
}

/** `levels` arrays (or objects) inside one another, as raw JSON text. */
function nested(levels: number, shape: "array" | "object"): string {
  return shape === "array"
    ? `${"[".repeat(levels)}${"]".repeat(levels)}`
    : `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
}

/** POSTs a raw JSON body the way any HTTP client could, bypassing every client-side serialiser. */
async function postRaw(
  path: string,
  body: string,
): Promise<{ status: number; text: string; errors: RawError[] }> {
  const response = await fetch(`${h.web.url}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${operator}` },
    body,
  });
  const text = await response.text();
  const parsed = JSON.parse(text) as { error?: { json: RawError } } | Array<{ error?: { json: RawError } }>;
  const errors = (Array.isArray(parsed) ? parsed : [parsed]).flatMap((p) => (p.error ? [p.error.json] : []));
  return { status: response.status, text, errors };
}

function expectTooDeep(result: { status: number; text: string; errors: RawError[] }, calls = 1) {
  expect(result.status).toBe(400);
  expect(result.errors).toHaveLength(calls);
  for (const error of result.errors) {
    expect(error.data).toMatchObject({
      code: "BAD_REQUEST",
      domainCode: "INVALID_INPUT",
      details: { maxDepth: MAX_INPUT_DEPTH },
    });
    expect(error.message).toMatch(new RegExp(`at most ${MAX_INPUT_DEPTH} levels`));
  }
  expect(result.text).not.toMatch(/call stack|RangeError|stack/i);
}

const submit = (payload: string) => `{"json":{"kind":"synthetic","payload":${payload}}}`;

describe(`inputs nest at most ${MAX_INPUT_DEPTH} levels`, () => {
  it("a work-order payload of 10,000 nested arrays, as a single call → 400 INVALID_INPUT, nothing written", async () => {
    const before = await rowCounts();
    expectTooDeep(await postRaw("workOrders.submit", submit(nested(10_000, "array"))));
    expect(await rowCounts()).toEqual(before);
  });

  it("a payload of 10,000 nested objects in a batch of two → a typed 400 for each call, nothing written", async () => {
    const before = await rowCounts();
    const call = `{"json":{"kind":"synthetic","payload":${nested(10_000, "object")}}}`;
    const result = await postRaw("workOrders.submit,workOrders.submit?batch=1", `{"0":${call},"1":${call}}`);
    expectTooDeep(result, 2);
    expect(await rowCounts()).toEqual(before);
  });

  it("any other input nested 10,000 deep (a reason) is refused the same way", async () => {
    const before = await rowCounts();
    const body = `{"json":{"useNewQueueSystem":true,"reason":${nested(10_000, "array")}}}`;
    expectTooDeep(await postRaw("rollout.set", body));
    expect(await rowCounts()).toEqual(before);
  });

  it("a query whose input in the URL nests too deep is refused the same way", async () => {
    const input = encodeURIComponent(`{"json":{"actor":${nested(200, "array")}}}`);
    const response = await fetch(`${h.web.url}/audit.find?input=${input}`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    const parsed = (await response.json()) as { error: { json: RawError } };
    expect(response.status).toBe(400);
    expect(parsed.error.json.data).toMatchObject({
      domainCode: "INVALID_INPUT",
      details: { maxDepth: MAX_INPUT_DEPTH },
    });
  });

  it("the sentence says how deep the input went and what to do", async () => {
    const result = await postRaw("workOrders.submit", submit(nested(100, "array")));
    expect(result.errors[0]?.message).toBe(
      `The input nests objects and arrays 101 levels deep; at most ${MAX_INPUT_DEPTH} levels are accepted. Flatten it; nothing was carried out.`,
    );
  });

  it(`a payload reaching level ${MAX_INPUT_DEPTH} goes on to the payload's own checks; one level more does not`, async () => {
    const call = (levels: number) =>
      rawCall(
        h.web.url,
        "workOrders.submit",
        "mutation",
        // input (1) → payload (2) → steps (3) → `levels - 3` more objects inside
        { kind: "synthetic", payload: { steps: JSON.parse(nested(levels - 2, "object")) as unknown } },
        { token: operator },
      );
    const atLimit = await call(MAX_INPUT_DEPTH);
    expect(atLimit.error?.data.domainCode).toBe("INVALID_PAYLOAD"); // synthetic has no `steps`
    const over = await call(MAX_INPUT_DEPTH + 1);
    expect(over.error?.data).toMatchObject({
      domainCode: "INVALID_INPUT",
      details: { maxDepth: MAX_INPUT_DEPTH },
    });
  });

  it("brackets and braces inside strings do not count", async () => {
    const text = "[".repeat(5_000);
    const result = await rawCall(
      h.web.url,
      "workOrders.find",
      "query",
      { kind: text.slice(0, 60) },
      { token: operator },
    );
    expect(result.status).toBe(200);
    const reason = await postRaw(
      "rollout.set",
      `{"json":{"shadowMode":false,"reason":"${"{[".repeat(200)}\\""}}}`,
    );
    expect(reason.errors.map((e) => e.data.domainCode)).not.toContain("INVALID_INPUT");
  });

  it("no 500 was logged", () => {
    expect(logLines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50)).toEqual([]);
  });
});
