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
