// The web process: one node:http server on one port. The producer API (/api/v1/*) is answered
// straight from the socket by its handler (packages/api/src/rest), before Next's request pipeline,
// which costs about a millisecond per request on this kind of machine (README, "Producer API");
// everything else — console pages, /api/trpc, /api/health, /api/metrics — goes to Next.
//
//   NODE_ENV=production node --import tsx src/server/serve.ts --hostname 127.0.0.1 --port 3000
//
// (`npm run start -w @qmc/web` runs this, on the last `next build`.)
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { openProducerApi, serveRestOnNode } from "@qmc/api/rest";
import next from "next";
import nextConfig from "../../next.config.ts";
import { apiServices, webLogger } from "./web-services.ts";

const { values } = parseArgs({
  options: {
    hostname: { type: "string", short: "H", default: "127.0.0.1" },
    port: { type: "string", short: "p", default: "3000" },
  },
});
const hostname = values.hostname;
const port = Number(values.port);
const dir = fileURLToPath(new URL("../..", import.meta.url));
const PRODUCER_API = "/api/v1/";

/** The headers next.config.ts gives a path, for the answers Next does not write itself. */
async function configuredHeaders(path: string): Promise<Record<string, string>> {
  const rules = (await nextConfig.headers?.()) ?? [];
  const headers: Record<string, string> = {};
  for (const rule of rules) {
    // The config's rules are prefixes ("/:path*", "/api/:path*"): that is all this server needs.
    const prefix = rule.source.replace(/\/:path\*$/, "");
    if (!path.startsWith(`${prefix}/`)) continue;
    for (const { key, value } of rule.headers) headers[key.toLowerCase()] = value;
  }
  return headers;
}

async function main(): Promise<void> {
  const app = next({ dev: false, dir, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const apiHeaders = await configuredHeaders(PRODUCER_API);
  const logger = webLogger();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith(PRODUCER_API)) {
      for (const [key, value] of Object.entries(apiHeaders)) res.setHeader(key, value);
      serveRestOnNode(req, res, apiServices, { logger }).catch((error: unknown) => {
        logger.error({ err: error }, "producer API request failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end();
      });
      return;
    }
    void handle(req, res);
  });
  // Longer than the usual load balancer idle timeout, so a keep-alive connection is closed by
  // the proxy, never under it by this server.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(port, hostname, resolve));
  console.log(`web: ready on http://${hostname}:${port} (producer API at ${PRODUCER_API})`);
  // Build the services now, not on the first request: a producer's first submit is not slowed,
  // and token revocations made here reach the other web processes from the start (over Redis).
  apiServices().then(
    (services) => openProducerApi(services),
    (error: unknown) => logger.warn({ err: error }, "services not ready yet; retried per request"),
  );

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      // Stop accepting, let requests in flight finish (or give up after 10 s), then exit cleanly.
      const deadline = setTimeout(() => process.exit(0), 10_000);
      deadline.unref();
      server.closeIdleConnections();
      server.close(() => {
        void app.close().finally(() => process.exit(0));
      });
    });
  }
}

main().catch((error: unknown) => {
  console.error(`web: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
