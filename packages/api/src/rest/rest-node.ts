import type { IncomingMessage, ServerResponse } from "node:http";
import { DomainError } from "@qmc/core";
import type { ApiServicesSource } from "../http/handle-trpc-request.ts";
import { bodyLimitFor } from "./request-body.ts";
import { type RestResponse, restError } from "./rest-errors.ts";
import { type HandleRestOptions, handleRestRequest } from "./rest-handler.ts";

/**
 * The producer API on a bare node:http server: no framework between the socket and the handler.
 * The body is counted as it arrives; past its limit the answer is 413 and the connection closes
 * (the rest is never read).
 */
export async function serveRestOnNode(
  req: IncomingMessage,
  res: ServerResponse,
  source: ApiServicesSource,
  options: HandleRestOptions = {},
): Promise<void> {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const body = await readBody(req, bodyLimitFor(path));
  if (body instanceof Error) {
    write(res, restError(body), true);
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  write(res, await handleRestRequest({ method: req.method ?? "GET", path, headers, body }, source, options));
}

function write(res: ServerResponse, { status, headers, body }: RestResponse, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cache-control": headers["cache-control"] ?? "no-store",
    ...headers,
    ...(close ? { connection: "close" } : {}),
  });
  res.end(text);
}

/** The body's bytes (null when empty), or the error that refuses it. */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null | Error> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return Promise.resolve(tooLarge(limit));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > limit) {
        req.off("data", onData);
        req.pause();
        resolve(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(total === 0 ? null : Buffer.concat(chunks, total)));
    req.once("error", () => resolve(new Error("The request body broke off before its end.")));
  });
}

function tooLarge(limit: number): DomainError {
  return new DomainError(
    "PAYLOAD_TOO_LARGE",
    `The request body is over ${limit} bytes (${limit / 1024 / 1024} MiB); nothing was carried out.`,
    { maxBytes: limit },
  );
}
