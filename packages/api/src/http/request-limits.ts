import { DomainError } from "@qmc/core";
import { TRPCError } from "@trpc/server";

/** Bodies above this are refused while they arrive (payloads themselves are capped at 64 KiB). */
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

/** Calls one batched HTTP request may carry. */
export const MAX_BATCH_CALLS = 10;

/** Procedures that must travel alone, so each attempt meets the throttle as one request. */
const UNBATCHABLE = new Set(["auth.signIn"]);

/** The procedure paths a request calls, as tRPC reads them (`?batch=1`: joined by commas). */
export function requestedCalls(url: URL, endpoint: string): { batch: boolean; paths: string[] } {
  const prefix = `/${endpoint.replace(/^\/+|\/+$/g, "")}/`;
  let path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // tRPC refuses the bad encoding itself; counted as it stands.
  }
  path = path.replace(/^\/+|\/+$/g, "");
  const batch = url.searchParams.get("batch") === "1";
  return { batch, paths: batch ? path.split(",") : [path] };
}

/**
 * BATCH_TOO_LARGE when a batched request carries more than {@link MAX_BATCH_CALLS} calls, or
 * carries `auth.signIn` together with anything else.
 */
export function batchRefusal(calls: { batch: boolean; paths: string[] }): DomainError | null {
  if (!calls.batch) return null;
  const { paths } = calls;
  const alone = paths.find((p) => UNBATCHABLE.has(p));
  if (alone && paths.length > 1) {
    return new DomainError(
      "BATCH_TOO_LARGE",
      `${alone} cannot be batched: send it in a request of its own.`,
      { calls: paths.length, maxCalls: 1, procedure: alone },
    );
  }
  if (paths.length > MAX_BATCH_CALLS) {
    return new DomainError(
      "BATCH_TOO_LARGE",
      `A batch may carry at most ${MAX_BATCH_CALLS} calls; this one has ${paths.length}. Split it into smaller batches.`,
      { calls: paths.length, maxCalls: MAX_BATCH_CALLS },
    );
  }
  return null;
}

/** What reading a body gave: its bytes, or why the request is refused. */
export type BodyRead = { ok: true; bytes: Uint8Array<ArrayBuffer> | null } | { ok: false; refusal: Error };

/**
 * Reads `request`'s body, counting bytes as they arrive, and stops at `limit`: whatever
 * `Content-Length` says (or does not say, for a chunked body), no more than `limit` bytes are ever
 * held. The stream is left unread past that, not cancelled, so the 413 can still be written.
 */
export async function readBoundedBody(request: Request, limit = MAX_REQUEST_BYTES): Promise<BodyRead> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) return { ok: false, refusal: bodyTooLarge(limit) };
  if (!request.body) return { ok: true, bytes: null };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) return { ok: false, refusal: bodyTooLarge(limit) };
      chunks.push(value);
    }
  } catch {
    return {
      ok: false,
      refusal: new TRPCError({ code: "BAD_REQUEST", message: "The request body broke off before its end." }),
    };
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

function bodyTooLarge(limit: number): DomainError {
  return new DomainError(
    "PAYLOAD_TOO_LARGE",
    `The request body is over ${limit} bytes (${limit / 1024 / 1024} MiB); nothing was carried out.`,
    { maxBytes: limit },
  );
}

/**
 * Levels of objects and arrays an input may nest; the input itself is level 1, so a work-order
 * payload (a field of it) has 31. superjson, zod and the payload checks walk inputs recursively:
 * a 10,000-level body would overflow the stack before any of them could refuse it.
 */
export const MAX_INPUT_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]); // [ {
const CLOSERS = new Set([0x5d, 0x7d]); // ] }

/**
 * The deepest nesting of objects and arrays in JSON text given as UTF-8 bytes, strings skipped
 * (no byte of a multi-byte UTF-8 character is ASCII). One pass, no recursion: any depth is safe.
 */
export function jsonNestingDepth(bytes: Uint8Array): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (OPENERS.has(byte)) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (CLOSERS.has(byte)) {
      depth--;
    }
  }
  return deepest;
}

/**
 * INVALID_INPUT when the inputs a request carries (its body, or a query's `input` in the URL)
 * nest deeper than {@link MAX_INPUT_DEPTH}, read from the raw text before anything parses it
 * recursively. The envelope does not count: `{"json": input}` for one call, inside `{"0": …}` for
 * a batch.
 */
export function depthRefusal(
  calls: { batch: boolean },
  url: URL,
  body: Uint8Array | null,
): DomainError | null {
  const urlInput = url.searchParams.get("input");
  const text = body ?? (urlInput === null ? null : new TextEncoder().encode(urlInput));
  if (!text) return null;
  const depth = jsonNestingDepth(text) - (calls.batch ? 2 : 1);
  if (depth <= MAX_INPUT_DEPTH) return null;
  return new DomainError(
    "INVALID_INPUT",
    `The input nests objects and arrays ${depth} levels deep; at most ${MAX_INPUT_DEPTH} levels are accepted. Flatten it; nothing was carried out.`,
    { depth, maxDepth: MAX_INPUT_DEPTH },
  );
}
