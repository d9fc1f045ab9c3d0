// A stack of its own for the migration journey: its own database (reset), queue prefix and port,
// the real worker and web processes, so the walk can start in phase 1 whatever other specs did.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type APIRequestContext, expect, request as playwrightRequest } from "@playwright/test";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export const JOURNEY_ADMIN = { email: "journey-admin@example.com", password: "journey admin password 5678" };

export interface JourneyStackOptions {
  port: number;
  database: string;
  queuePrefix: string;
}

export const JOURNEY_STACK: JourneyStackOptions = {
  port: Number(process.env.E2E_JOURNEY_PORT ?? 3104),
  database: process.env.E2E_JOURNEY_DATABASE ?? "qmc_e2e_journey",
  queuePrefix: process.env.E2E_JOURNEY_QUEUE_PREFIX ?? "qmc-e2e-journey",
};

class Child {
  private text = "";
  readonly exited: Promise<void>;
  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    const collect = (chunk: Buffer) => {
      this.text += chunk.toString();
    };
    process.stdout?.on("data", collect);
    process.stderr?.on("data", collect);
    this.exited = new Promise((resolve) => process.on("exit", () => resolve()));
  }
  get output() {
    return this.text;
  }
  /** SIGTERM to its process group (npm → tsx/next), then SIGKILL after 15 s. */
  async stop(): Promise<void> {
    const pid = this.process.pid;
    if (pid === undefined || this.process.exitCode !== null) return;
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      return;
    }
    const killed = setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {}
    }, 15_000);
    await this.exited;
    clearTimeout(killed);
  }
}

/** The journey's stack: a fresh database, the worker and the web app on their own port. */
export class JourneyStack {
  private children: Child[] = [];
  readonly url: string;
  readonly databaseUrl: string;

  constructor(readonly options: JourneyStackOptions = JOURNEY_STACK) {
    this.url = `http://127.0.0.1:${options.port}`;
    this.databaseUrl = `postgresql://postgres@127.0.0.1:5432/${options.database}`;
  }

  private env(extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      QUEUE_PREFIX: this.options.queuePrefix,
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
      ...extra,
    };
  }

  async start(): Promise<void> {
    const env = this.env({ ADMIN_EMAIL: JOURNEY_ADMIN.email, ADMIN_PASSWORD: JOURNEY_ADMIN.password });
    await run("npm", ["run", "db:migrate", "--", "--reset"], { cwd: repoRoot, env });
    await run("npm", ["run", "admin:bootstrap"], { cwd: repoRoot, env });
    // Every second: the guard evaluates, heartbeats beat, and both processes flush their counts.
    const worker = this.spawn("worker", ["run", "start", "-w", "@qmc/worker"], {
      WORKER_ID: "journey-worker",
      HEARTBEAT_INTERVAL_MS: "1000",
      GUARD_INTERVAL_MS: "1000",
      METRICS_FLUSH_MS: "1000",
      LOG_LEVEL: "info",
    });
    this.spawn("web", ["run", "start", "-w", "@qmc/web"], {
      PORT: String(this.options.port),
      METRICS_FLUSH_MS: "1000",
    });
    await expect
      .poll(() => worker.output.includes('"msg":"worker started"'), {
        timeout: 90_000,
        message: "the worker starts",
      })
      .toBe(true);
    await expect
      .poll(
        async () => {
          try {
            return (await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2_000) })).status;
          } catch {
            return 0;
          }
        },
        { timeout: 90_000, message: "the web app answers" },
      )
      .toBe(200);
  }

  private spawn(name: string, args: string[], extra: Record<string, string>): Child {
    const child = new Child(
      name,
      spawn("npm", args, {
        cwd: repoRoot,
        env: this.env(extra),
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    this.children.push(child);
    return child;
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => c.stop()));
    this.children = [];
  }

  /** Runs SQL on the journey's database (psql, stopping at the first error). */
  async sql(statement: string): Promise<string> {
    const { stdout } = await run("psql", [
      this.databaseUrl,
      "-v",
      "ON_ERROR_STOP=1",
      "-qAt",
      "-c",
      statement,
    ]);
    return stdout.trim();
  }

  /** An API client signed in as the journey's admin (its session cookie). */
  async admin(): Promise<JourneyApi> {
    const context = await playwrightRequest.newContext({ baseURL: this.url });
    const api = new JourneyApi(context, this.url);
    await api.mutate("auth.signIn", JOURNEY_ADMIN);
    return api;
  }
}

/** tRPC over HTTP as the console calls it (superjson envelope; mutations from its own origin). */
export class JourneyApi {
  constructor(
    readonly context: APIRequestContext,
    private readonly origin: string,
  ) {}

  async query<T>(path: string, input?: unknown): Promise<T> {
    const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
    const response = await this.context.get(`/api/trpc/${path}${query}`);
    expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
    return (await response.json()).result.data.json as T;
  }

  async mutate<T>(path: string, input?: unknown): Promise<T> {
    const response = await this.context.post(`/api/trpc/${path}`, {
      headers: { "content-type": "application/json", origin: this.origin },
      data: JSON.stringify({ json: input ?? null }),
    });
    expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
    return (await response.json()).result.data.json as T;
  }
}
