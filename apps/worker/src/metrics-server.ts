import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MetricsExporter } from "@qmc/engine/metrics";
import type { Logger } from "@qmc/runtime";

/**
 * This worker's Prometheus endpoint: `GET /metrics` on METRICS_HOST:METRICS_PORT, nothing else.
 * Off unless METRICS_PORT is set; it has no authentication, so it listens on 127.0.0.1 unless
 * the operator picks another address (a private network the scraper shares).
 */
export class MetricsServer {
  private server: Server | null = null;

  constructor(
    private readonly exporter: MetricsExporter,
    private readonly logger: Logger,
  ) {}

  async start(host: string, port: number): Promise<AddressInfo> {
    const server = createServer((request, response) => {
      const path = (request.url ?? "/").split("?")[0];
      if (path !== "/metrics") {
        response.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics\n");
        return;
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end();
        return;
      }
      this.exporter.render().then(
        (body) =>
          response
            .writeHead(200, { "content-type": this.exporter.contentType, "cache-control": "no-store" })
            .end(request.method === "HEAD" ? undefined : body),
        (error: unknown) => {
          this.logger.warn({ err: error }, "metrics collection failed");
          response.writeHead(500, { "content-type": "text/plain" }).end("metrics collection failed\n");
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (error) => this.logger.warn({ err: error }, "metrics endpoint error"));
    this.server = server;
    const address = server.address() as AddressInfo;
    this.logger.info({ host: address.address, port: address.port }, "metrics endpoint listening");
    return address;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
