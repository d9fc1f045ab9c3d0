import { createApiToken, createUser, revokeApiToken } from "@qmc/api";
import { createPrismaClient } from "@qmc/db";
import { LiveConfig } from "@qmc/engine";
import { createMetricsExporter, type MetricsExporter } from "@qmc/engine/metrics";
import { createEngineHarness, type EngineHarness } from "@qmc/engine/testing";
import { createRedisConnection } from "@qmc/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MetricsRouteDeps, serveMetrics } from "./metrics-handler";

let h: EngineHarness;
let liveConfig: LiveConfig;
let exporter: MetricsExporter;
let viewerToken: string;
let revokedToken: string;
/** A producer's token: it may submit work orders, and nothing else — not scrape. */
let producerToken: string;
const connections: Array<{ disconnect(): void }> = [];
const METRICS_TOKEN = "scraper-secret-0123456789";
const actor = { actor: "admin@example.com" };

beforeAll(async () => {
  h = await createEngineHarness("web_metrics_route");
  const subscriber = createRedisConnection(h.redisUrl, "subscriber");
  const publisher = createRedisConnection(h.redisUrl, "producer");
  connections.push(subscriber, publisher);
  liveConfig = new LiveConfig(h.db.prisma, subscriber, publisher, h.prefix, h.resources.logger);
  await liveConfig.start();
  exporter = createMetricsExporter({
    prisma: h.db.prisma,
    queues: h.queues,
    config: liveConfig,
    workerStaleAfterMs: 15_000,
  });
  const viewer = await createUser(
    h.db.prisma,
    { email: "grafana@example.com", password: "a long enough password", role: "VIEWER" },
    actor,
  );
  viewerToken = (
    await createApiToken(h.db.prisma, { userId: viewer.id, name: "prometheus", scopes: ["read"] }, actor)
  ).token;
  const revoked = await createApiToken(
    h.db.prisma,
    { userId: viewer.id, name: "old", scopes: ["read"] },
    actor,
  );
  const operator = await createUser(
    h.db.prisma,
    { email: "producer@example.com", password: "a long enough password", role: "OPERATOR" },
    actor,
  );
  producerToken = (
    await createApiToken(
      h.db.prisma,
      { userId: operator.id, name: "producer", scopes: ["orders:submit"] },
      actor,
    )
  ).token;
  await revokeApiToken(h.db.prisma, revoked.id, actor);
  revokedToken = revoked.token;
  await h.submitter.submitMany(
    Array.from({ length: 2 }, () => ({ kind: "synthetic", payload: {}, system: "NEW" as const, actor: "t" })),
  );
});
afterAll(async () => {
  await liveConfig.stop();
  for (const c of connections) c.disconnect();
  await h.close();
});

const deps = (overrides: Partial<MetricsRouteDeps> = {}): MetricsRouteDeps => ({
  metricsToken: METRICS_TOKEN,
  prisma: h.db.prisma,
  exporter: async () => exporter,
  onError: () => {},
  ...overrides,
});
const get = (headers: Record<string, string> = {}) =>
  new Request("http://127.0.0.1:3000/api/metrics", { headers });

describe("GET /api/metrics", () => {
  it("refuses a request without a bearer token, with a wrong one, a revoked one, one without the read scope, or only a session cookie", async () => {
    const cases: Array<Record<string, string>> = [
      {},
      { authorization: "Bearer not-the-token-0123456789" },
      { authorization: `Bearer ${revokedToken}` },
      { authorization: `Bearer ${producerToken}` },
      { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString("base64")}` },
      { cookie: "qmc_session=whatever" },
    ];
    for (const headers of cases) {
      const response = await serveMetrics(get(headers), deps());
      expect([headers, response.status]).toEqual([headers, 401]);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await response.text()).not.toContain("qmc_");
    }
  });

  it("answers the text format to METRICS_TOKEN", async () => {
    const response = await serveMetrics(get({ authorization: `Bearer ${METRICS_TOKEN}` }), deps());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('qmc_work_orders{system="NEW",role="PRIMARY",state="PENDING"} 2');
    expect(text).toContain(`qmc_config_version ${liveConfig.current().version}`);
    expect(text).toContain("qmc_rollout_paused 0");
    expect(text).toContain('qmc_alerts_open{metric="ERROR_RATE"} 0');
    expect(text).toContain("# TYPE qmc_order_end_to_end_seconds histogram");
    expect(text).toMatch(/^qmc_queue_depth\{system="NEW",state="prioritized"\} 2$/m);
  });

  it("answers an API token with the read scope, whatever its role; METRICS_TOKEN unset accepts API tokens only", async () => {
    expect((await serveMetrics(get({ authorization: `Bearer ${viewerToken}` }), deps())).status).toBe(200);
    const tokensOnly = deps({ metricsToken: undefined });
    expect((await serveMetrics(get({ authorization: `Bearer ${viewerToken}` }), tokensOnly)).status).toBe(
      200,
    );
    expect((await serveMetrics(get({ authorization: `Bearer ${METRICS_TOKEN}` }), tokensOnly)).status).toBe(
      401,
    );
  });

  it("answers 503 with Retry-After when the database cannot check the token", async () => {
    const down = createPrismaClient({ databaseUrl: "postgresql://postgres@127.0.0.1:1/none" });
    const errors: unknown[] = [];
    try {
      const response = await serveMetrics(
        get({ authorization: `Bearer ${viewerToken}` }),
        deps({ prisma: down, onError: (e) => errors.push(e) }),
      );
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(errors).toHaveLength(1);
    } finally {
      await down.$disconnect();
    }
  });
});
