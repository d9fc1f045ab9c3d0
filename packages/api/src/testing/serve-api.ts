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

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  const body = chunks.length && req.method !== "GET" ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? "/", base), {
    method: req.method ?? "GET",
    headers,
    ...(body ? { body } : {}),
  });
}

export async function serveApi(
  source: ApiServicesSource,
  options: HandleTrpcRequestOptions = {},
): Promise<ServedApi> {
  let base = "";
  const server: Server = createServer(async (req, res) => {
    const response = await handleTrpcRequest(await toRequest(req, base), source, options);
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
