import { createHash, timingSafeEqual } from "node:crypto";
import { bearerToken, resolveApiToken } from "@qmc/api";
import type { PrismaClient } from "@qmc/db";
import type { MetricsExporter } from "@qmc/engine/metrics";

export interface MetricsRouteDeps {
  /** METRICS_TOKEN: the scraper's own bearer token; unset, only API tokens are accepted. */
  metricsToken: string | undefined;
  /** Where API tokens are checked: one with the `read` scope (not revoked or expired) may scrape. */
  prisma: PrismaClient;
  exporter(): Promise<MetricsExporter>;
  onError(error: unknown): void;
}

/** Equal strings, compared in constant time (hashed first, so lengths leak nothing either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const UNAUTHORIZED = () =>
  new Response("bearer token required: METRICS_TOKEN or an API token with the read scope\n", {
    status: 401,
    headers: {
      "www-authenticate": 'Bearer realm="metrics"',
      "content-type": "text/plain",
      "cache-control": "no-store",
    },
  });

/**
 * GET /api/metrics: the Prometheus text exposition, for `Authorization: Bearer <METRICS_TOKEN>`
 * or a valid API token holding `read` (a producer's `orders:submit` token cannot scrape); 401
 * without one, 503 (Retry-After) when Postgres or Redis cannot be read.
 */
export async function serveMetrics(request: Request, deps: MetricsRouteDeps): Promise<Response> {
  const token = bearerToken(request.headers);
  if (token === null) return UNAUTHORIZED();
  try {
    const allowed =
      (deps.metricsToken !== undefined && sameSecret(token, deps.metricsToken)) ||
      (await resolveApiToken(deps.prisma, token))?.scopes?.includes("read") === true;
    if (!allowed) return UNAUTHORIZED();
    const exporter = await deps.exporter();
    const body = await exporter.render();
    return new Response(body, {
      status: 200,
      headers: { "content-type": exporter.contentType, "cache-control": "no-store" },
    });
  } catch (error) {
    deps.onError(error);
    return new Response("metrics unavailable: Postgres or Redis does not answer\n", {
      status: 503,
      headers: { "retry-after": "5", "content-type": "text/plain", "cache-control": "no-store" },
    });
  }
}
