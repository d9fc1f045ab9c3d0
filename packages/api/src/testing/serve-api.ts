import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type ApiServicesSource,
  type HandleTrpcRequestOptions,
  handleTrpcRequest,
} from "../http/handle-trpc-request.ts";

/** The API behind a real HTTP server on 127.0.0.1, as the Next route serves it. */
export interface ServedApi {
  /** The tRPC endpoint, e.g. http://127.0.0.1:41234/api/trpc */
  url: string;
  close(): Promise<void>;
}

/**
 * The request as Next's server hands it to the route: the body streams from the socket as the
 * handler reads it (nothing is buffered before), and `X-Forwarded-For` is the socket's address
 * unless the client sent that header itself.
 */
function toRequest(req: IncomingMessage, base: string): Request {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  if (!headers.has("x-forwarded-for") && req.socket.remoteAddress) {
    headers.set("x-forwarded-for", req.socket.remoteAddress);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(new URL(req.url ?? "/", base), {
    method,
    headers,
    // Next passes the IncomingMessage itself; fetch reads an async iterable chunk by chunk.
    ...(hasBody ? { body: req as unknown as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}

export async function serveApi(
  source: ApiServicesSource,
  options: HandleTrpcRequestOptions = {},
): Promise<ServedApi> {
  let base = "";
  const server: Server = createServer(async (req, res) => {
    const response = await handleTrpcRequest(toRequest(req, base), source, options);
    for (const [key, value] of response.headers) if (key !== "set-cookie") res.setHeader(key, value);
    const cookies = response.headers.getSetCookie();
    if (cookies.length) res.setHeader("set-cookie", cookies);
    res.writeHead(response.status);
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/api/trpc`,
    async close() {
      server.closeAllConnections(); // keep-alive connections would hold close() open
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
