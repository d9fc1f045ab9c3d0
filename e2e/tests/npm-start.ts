// Helpers for the tests that run the README's `npm start` as a real process tree.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { readlinkSync } from "node:fs";
import { promisify } from "node:util";

export const run = promisify(execFile);

/** What /api/health answers (apps/web/src/server/system-status.ts). */
export interface Health {
  ok: boolean;
  workersAlive: number;
}

/**
 * The environment of a person typing the README's commands: ours minus what the outer npm,
 * turbo and Playwright put there (npm_* settings, TURBO_* task data, node_modules/.bin on
 * PATH, a schema-engine override), plus `extra`.
 */
export function freshShellEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|TURBO_|PRISMA_)/i.test(key) || key === "INIT_CWD" || key === "WORKER_ID") continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(":")
    .filter((dir) => !/node_modules\/\.bin|node-gyp-bin/.test(dir))
    .join(":");
  return { ...env, ...extra };
}

export async function readHealth(port: number): Promise<Health | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/health`, {
      signal: AbortSignal.timeout(3000),
    });
    return (await response.json()) as Health;
  } catch {
    return null;
  }
}

export async function dropDatabase(name: string): Promise<void> {
  await run("dropdb", ["--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name]);
}

export class NpmStart {
  readonly child: ChildProcess;
  private text = "";
  readonly exited: Promise<string>;

  /** `npm start` in `cwd`, in its own process group like a terminal's foreground job. */
  constructor(
    private readonly cwd: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn("npm", ["start"], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const collect = (chunk: Buffer) => {
      this.text += chunk.toString();
    };
    this.child.stdout?.on("data", collect);
    this.child.stderr?.on("data", collect);
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => resolve(String(code ?? signal))),
    );
  }

  get output(): string {
    return this.text;
  }

  /** Pids the supervisor reported for `name` ("start: worker started (pid 123)"), oldest first. */
  pids(name: string): number[] {
    return [...this.text.matchAll(new RegExp(`start: ${name} started \\(pid (\\d+)\\)`, "g"))].map((m) =>
      Number(m[1]),
    );
  }

  /** Resolves with the first health answer matching `ready`; rejects at once if npm start exits. */
  async until(port: number, ready: (health: Health | null) => boolean, timeoutMs: number): Promise<Health> {
    const deadline = Date.now() + timeoutMs;
    let last: Health | null = null;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`npm start exited (${await this.exited}) before it was ready`);
      }
      last = await readHealth(port);
      if (ready(last) && last) return last;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(
      `/api/health on port ${port} not ready after ${timeoutMs} ms; last answer ${JSON.stringify(last)}`,
    );
  }

  /** What Ctrl-C does in a terminal: SIGINT to the foreground process group. */
  interrupt(): void {
    if (this.child.pid && this.child.exitCode === null) process.kill(-this.child.pid, "SIGINT");
  }

  /**
   * Last resort after a failed test: nothing of this run may outlive it. Kills npm start's
   * process tree, and the children it reported if they still run in this checkout (orphaned
   * when npm start itself died first).
   */
  killAll(): void {
    const root = this.child.pid;
    // The whole tree first: once a parent is dead its children are re-parented and lost to pgrep -P.
    const alive = this.child.exitCode === null && this.child.signalCode === null;
    const tree = root && alive ? [root, ...descendants(root)] : [];
    const orphans = [...this.pids("worker"), ...this.pids("web")].filter((pid) => this.runsHere(pid));
    for (const pid of new Set([...tree, ...orphans])) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }

  private runsHere(pid: number): boolean {
    try {
      return readlinkSync(`/proc/${pid}/cwd`).startsWith(this.cwd);
    } catch {
      return false;
    }
  }
}

function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = execFileSync("pgrep", ["-P", String(pid)])
      .toString()
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
