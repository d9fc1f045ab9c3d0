import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApiServicesSource } from "../http/handle-trpc-request.ts";
import type { HandleRestOptions } from "./rest-handler.ts";
import { serveRestOnNode } from "./rest-node.ts";

/** The producer API behind a real node:http server on 127.0.0.1 (as the web process serves it). */
export interface ServedRest {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  close(): Promise<void>;
}

export async function serveRest(
  source: ApiServicesSource,
  options: HandleRestOptions = {},
): Promise<ServedRest> {
  const server: Server = createServer((req, res) => void serveRestOnNode(req, res, source, options));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** An answer of the producer API, read whole. */
export interface RestAnswer {
  status: number;
  headers: Headers;
  body: {
    error?: { code: string; message: string; field?: string; details?: Record<string, unknown> };
    [key: string]: unknown;
  };
  text: string;
}

/** POSTs `body` (JSON unless a string or bytes) to `path`, with a bearer token and headers. */
export async function post(
  origin: string,
  path: string,
  body: unknown,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<RestAnswer> {
  const payload = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  const response = await fetch(`${origin}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: payload,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
}
