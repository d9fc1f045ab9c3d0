import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { emptyOutput, OutputCapture } from "./output-capture.ts";
import { terminateGroup } from "./process-group.ts";
import type {
  SandboxProvider,
  SandboxRunRequest,
  SandboxRunResult,
  SandboxTermination,
} from "./sandbox-provider.ts";
import { checkWorkingDirectory, describeSpawnError } from "./spawn-error.ts";

export interface SubprocessSandboxOptions {
  /**
   * SIGTERM goes to the whole process group first; SIGKILL follows after this many ms if any
   * member is still alive.
   * @defaultValue 2000
   */
  killGraceMs?: number;
  /**
   * Where per-run working directories are created.
   * @defaultValue os.tmpdir()
   */
  tempRoot?: string;
}

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

const NOT_ABSOLUTE = Object.assign(new Error("not an absolute path"), { code: "ENOTABSOLUTE" });

/** setTimeout's ceiling (~24.8 days); larger delays would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;
/** After the group is gone, how long to wait for the pipes to close before closing them ourselves. */
const STREAM_CLOSE_WAIT_MS = 500;

/**
 * Runs an executable, by absolute path only, as the leader of its own process group, in a fresh
 * temp directory unless a cwd is given, with exactly the given environment. Timeout and cancellation kill the whole group
 * (SIGTERM, then SIGKILL after the grace); when the leader exits on its own, whatever it left
 * behind in its group is killed the same way, so no run leaves orphans (short of a process that
 * moved itself to another group or session). Never rejects for the child's behaviour.
 */
export class SubprocessSandbox implements SandboxProvider {
  readonly name = "subprocess";
  private readonly killGraceMs: number;
  private readonly tempRoot: string;

  constructor(options: SubprocessSandboxOptions = {}) {
    this.killGraceMs = Math.max(0, options.killGraceMs ?? 2_000);
    this.tempRoot = options.tempRoot ?? tmpdir();
  }

  async run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    const started = performance.now();
    if (request.signal?.aborted) return notStarted("cancelled", started);
    if (!isAbsolute(request.command)) {
      // A bare name would be looked up in the child's PATH, which the caller may not control.
      return notStarted("spawn-error", started, describeSpawnError(NOT_ABSOLUTE, request.command));
    }
    if (request.cwd !== undefined) {
      const problem = await checkWorkingDirectory(request.cwd);
      return problem === null
        ? this.execute(request, request.cwd, started)
        : notStarted("spawn-error", started, problem);
    }
    let workDir: string;
    try {
      workDir = await mkdtemp(join(this.tempRoot, "qmc-sandbox-"));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return notStarted("spawn-error", started, `could not create a working directory: ${reason}`);
    }
    try {
      return await this.execute(request, workDir, started);
    } finally {
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private async execute(request: SandboxRunRequest, cwd: string, started: number): Promise<SandboxRunResult> {
    if (request.signal?.aborted) return notStarted("cancelled", started);
    let child: Child;
    try {
      child = spawn(request.command, request.args, {
        ...(request.argv0 === undefined ? {} : { argv0: request.argv0 }),
        detached: true,
        // Exactly the given variables. (Cast: Next's types make NODE_ENV required in ProcessEnv.)
        env: request.env as NodeJS.ProcessEnv,
        cwd,
        stdio: ["pipe", "pipe", "pipe"],
      });
    } catch (error) {
      return notStarted("spawn-error", started, describeSpawnError(error, request.command));
    }
    const failedToStart = new Promise<unknown>((resolve) => child.once("error", resolve));
    child.on("error", () => undefined); // later errors (none expected) must not crash the worker
    const exited = new Promise<[number | null, string | null]>((resolve) =>
      child.once("exit", (code, signal) => resolve([code, signal])),
    );
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    const capture = new OutputCapture(request.outputLimitBytes);
    child.stdout.on("data", (chunk: Buffer) => capture.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => capture.push(chunk));
    child.stdin.on("error", () => undefined); // EPIPE when the child exits without reading stdin
    child.stdin.end(request.stdin ?? "");

    const pid = child.pid;
    if (pid === undefined) {
      const error = await failedToStart;
      return notStarted("spawn-error", started, describeSpawnError(error, request.command));
    }

    let termination: SandboxTermination = "exited";
    let killing: Promise<unknown> | null = null;
    const stop = (reason: "timeout" | "cancelled") => {
      if (killing !== null) return;
      termination = reason;
      killing = terminateGroup(pid, this.killGraceMs);
    };
    const onAbort = () => stop("cancelled");
    const timer = setTimeout(() => stop("timeout"), clampDelay(request.timeoutMs));
    request.signal?.addEventListener("abort", onAbort, { once: true });

    const [exitCode, signal] = await exited;
    clearTimeout(timer);
    request.signal?.removeEventListener("abort", onAbort);
    // The leader is gone; kill whatever it left running in its group (a no-op when nothing is left).
    await (killing ?? terminateGroup(pid, this.killGraceMs));
    await closeStreams(child, closed);

    return {
      termination,
      exitCode,
      signal,
      ...capture.finish(),
      durationMs: elapsed(started),
      pid,
    };
  }
}

/**
 * Waits for stdout/stderr to close. A process that escaped the group could hold the pipes open
 * forever, so after a short wait they are closed from our side (its later output is lost).
 */
async function closeStreams(child: Child, closed: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STREAM_CLOSE_WAIT_MS);
  });
  const inTime = await Promise.race([closed.then(() => true), waited]);
  clearTimeout(timer);
  if (inTime) return;
  child.stdout.destroy();
  child.stderr.destroy();
  await closed;
}

function notStarted(termination: SandboxTermination, started: number, error?: string): SandboxRunResult {
  return {
    termination,
    exitCode: null,
    signal: null,
    ...emptyOutput(),
    durationMs: elapsed(started),
    ...(error === undefined ? {} : { error }),
  };
}

function clampDelay(ms: number): number {
  return Number.isNaN(ms) ? 0 : Math.min(Math.max(0, ms), MAX_TIMER_MS);
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
