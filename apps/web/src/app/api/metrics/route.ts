import { env } from "~/env";
import { metricsExporter, webLogger } from "~/server/api-services";
import { prisma } from "~/server/services";
import { serveMetrics } from "./metrics-handler";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint (README, "Metrics"): bearer METRICS_TOKEN or an API token with `read`. */
export function GET(request: Request): Promise<Response> {
  return serveMetrics(request, {
    metricsToken: env.METRICS_TOKEN,
    prisma: prisma(),
    exporter: metricsExporter,
    onError: (error) => webLogger().warn({ err: error }, "metrics scrape failed"),
  });
}
