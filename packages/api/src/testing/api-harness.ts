import { LiveConfig, QueueManager } from "@qmc/engine";
import { createEngineHarness, type EngineHarness } from "@qmc/engine/testing";
import { connectRedis, createRedisConnection, type Redis } from "@qmc/transport";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import { createApiToken } from "../auth/api-tokens.ts";
import type { Role } from "../auth/roles.ts";
import { scopesGrantableBy, type TokenScope } from "../auth/scopes.ts";
import { createUser } from "../auth/users.ts";
import type { AppRouter } from "../root-router.ts";
import type { ApiServices } from "../services.ts";
import { serveApi } from "./serve-api.ts";

/** One "web process": its own LiveConfig and QueueManager behind a real HTTP server. */
export interface WebProcess {
  url: string;
  services: ApiServices;
  close(): Promise<void>;
}

export interface ApiHarness {
  engine: EngineHarness;
  web: WebProcess;
  startWebProcess(): Promise<WebProcess>;
  /**
   * A signed-up user of that role, with an API token holding `scopes` (default: every scope the
   * role may grant, as tokens made before scopes existed were migrated).
   */
  tokenFor(role: Role, scopes?: TokenScope[]): Promise<string>;
  client(web: WebProcess, token?: string): ReturnType<typeof createTRPCClient<AppRouter>>;
  close(): Promise<void>;
}

export async function createApiHarness(label: string): Promise<ApiHarness> {
  const engine = await createEngineHarness(label, 10);
  const closers: Array<() => Promise<void>> = [];

  async function startWebProcess(): Promise<WebProcess> {
    const subscriber: Redis = createRedisConnection(engine.redisUrl, "subscriber");
    const publisher = await connectRedis(engine.redisUrl, "producer");
    const liveConfig = new LiveConfig(
      engine.db.prisma,
      subscriber,
      publisher,
      engine.prefix,
      engine.resources.logger,
    );
    await liveConfig.start();
    const services: ApiServices = {
      prisma: engine.db.prisma,
      liveConfig,
      queueManager: new QueueManager(liveConfig, engine.submitter),
      queues: engine.queues,
      publisher,
      queuePrefix: engine.prefix,
      logger: engine.resources.logger,
      allowedOrigins: [],
      sessionTtlMs: 3_600_000,
      secureCookies: false,
      workerStaleAfterMs: 15_000,
    };
    const served = await serveApi(services);
    const close = async () => {
      await served.close();
      await liveConfig.stop();
      subscriber.disconnect();
      publisher.disconnect();
    };
    closers.push(close);
    return { url: served.url, services, close };
  }

  const web = await startWebProcess();
  let users = 0;
  return {
    engine,
    web,
    startWebProcess,
    async tokenFor(role, scopes = scopesGrantableBy(role)) {
      const who = { actor: "test-setup" };
      const user = await createUser(
        engine.db.prisma,
        {
          email: `${role.toLowerCase()}-${users++}@example.com`,
          password: "correct horse battery staple",
          role,
        },
        who,
      );
      return (await createApiToken(engine.db.prisma, { userId: user.id, name: "test", scopes }, who)).token;
    },
    client(target, token) {
      return createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url: target.url,
            transformer: superjson,
            headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
          }),
        ],
      });
    },
    async close() {
      for (const close of closers) await close();
      await engine.close();
    },
  };
}

/** The typed error a call ended with: tRPC code, domain code, HTTP status. */
export async function errorOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as
        | { code?: string; domainCode?: string | null; httpStatus?: number }
        | undefined;
      return {
        code: data?.code,
        domainCode: data?.domainCode ?? null,
        httpStatus: data?.httpStatus,
        message: error.message,
      };
    }
    throw error;
  }
  throw new Error("expected the call to fail, it succeeded");
}
