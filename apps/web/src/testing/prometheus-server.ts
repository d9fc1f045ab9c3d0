import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Debian's `prometheus` and `promtool` for tests. A test that needs them fails with the command
 * to run when they are missing (`npm run test:integration` installs them first through
 * scripts/ensure-prometheus.ts): it never skips.
 */
export function requirePrometheusTools(): void {
  for (const binary of ["prometheus", "promtool"]) {
    if (spawnSync(binary, ["--version"]).status !== 0) {
      throw new Error(
        `${binary} is not on PATH: install Debian's Prometheus (\`sudo apt-get install -y prometheus\`, ` +
          "or run `npx tsx scripts/ensure-prometheus.ts` as root), then run this test again",
      );
    }
  }
}

export interface PromtoolResult {
  status: number | null;
  output: string;
}

export function promtool(args: string[], input?: string): PromtoolResult {
  const result = spawnSync("promtool", args, { input, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** A text exposition cut in two: the families named `prefix…` and the others (Node's defaults). */
export function splitFamilies(text: string, prefix: string): { ours: string; defaults: string } {
  const blocks = text.split(/\n(?=# HELP )/);
  const join = (parts: string[]) => `${parts.join("\n").trim()}\n`;
  return {
    ours: join(blocks.filter((b) => b.startsWith(`# HELP ${prefix}`))),
    defaults: join(blocks.filter((b) => !b.startsWith(`# HELP ${prefix}`))),
  };
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export type PromVector = Array<{ metric: Record<string, string>; value: [number, string] }>;

export interface PrometheusServer {
  url: string;
  /** The folder of its config (write rule files and token files there before `start`). */
  dir: string;
  /** An instant query through the HTTP API; `time` in ms (default: now). */
  query(expr: string, time?: number): Promise<PromVector>;
  /** The single value of a query's answer, NaN when it has none. */
  value(expr: string, time?: number): Promise<number>;
  stop(): Promise<void>;
  /** Its log so far (for a failing test's message). */
  log(): string;
}

/**
 * A real Prometheus on 127.0.0.1 with `config` (YAML) written to its own temporary folder as
 * prometheus.yml, storage in that folder too; resolves once /-/ready answers.
 */
export async function startPrometheus(
  writeConfig: (dir: string) => void,
  timeoutMs = 20_000,
): Promise<PrometheusServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "qmc-prometheus-"));
  writeConfig(dir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    "prometheus",
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${log}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const query = async (expr: string, time = Date.now()): Promise<PromVector> => {
    const params = new URLSearchParams({ query: expr, time: String(time / 1000) });
    const response = await fetch(`${url}/api/v1/query?${params}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: PromVector };
    };
    if (body.status !== "success" || !body.data) throw new Error(`query ${expr} failed: ${body.error}`);
    if (body.data.resultType !== "vector") throw new Error(`query ${expr}: ${body.data.resultType}`);
    return body.data.result;
  };
  return {
    url,
    dir,
    query,
    async value(expr, time) {
      const result = await query(expr, time);
      if (result.length > 1) throw new Error(`query ${expr} has ${result.length} series`);
      return result[0] ? Number(result[0].value[1]) : Number.NaN;
    },
    stop,
    log: () => log,
  };
}
