// The process supervisor behind `npm start`: runs each child (web, worker) in its own process
// group, restarts one that exits with exponential backoff while the others keep serving, and on
// Ctrl-C/SIGTERM forwards the signal and waits for every child. Production uses a real process
// manager instead (docs/production.md).
import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:os";

/** One supervised process. */
export interface ChildSpec {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** How restarts are spaced. */
export interface BackoffOptions {
  /** Delay before the first restart. @defaultValue 1000 */
  initialDelayMs: number;
  /** The delay doubles per consecutive restart up to this cap. @defaultValue 30000 */
  maxDelayMs: number;
  /** A child that ran this long before exiting counts as healthy: its next restart is restart 1 again. @defaultValue 60000 */
  stableAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
};

export interface SupervisorOptions {
  backoff?: Partial<BackoffOptions>;
  /** After a stop signal, a child still running this long is killed (SIGKILL). @defaultValue 40000 */
  stopTimeoutMs?: number;
  /** Where the supervisor's own lines go. @defaultValue console.log */
  log?: (line: string) => void;
  /** Where the children's output goes, each line prefixed `[name] `. @defaultValue the process's own */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** The delay before restart number `restart` (1, 2, …): initial × 2^(restart−1), capped. */
export function restartDelayMs(restart: number, backoff: BackoffOptions = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(restart - 1, 0), 30);
  return Math.min(backoff.initialDelayMs * 2 ** exponent, backoff.maxDelayMs);
}

/** "1 s", "0.5 s", "30 s". */
export function formatDelay(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** How a child ended: its exit code, or the signal that killed it. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ?? String(code);
}

/** Whether an exit after we sent `signal` is the orderly answer to it (0, the signal, or 128+signal). */
export function isOrderlyStop(
  code: number | null,
  exitSignal: NodeJS.Signals | null,
  signal: NodeJS.Signals,
) {
  return code === 0 || exitSignal === signal || code === 128 + constants.signals[signal];
}

interface ChildState {
  spec: ChildSpec;
  process: ChildProcess | null;
  startedAt: number;
  restarts: number;
  restartTimer: NodeJS.Timeout | null;
}

export class Supervisor {
  private readonly children: ChildState[];
  private readonly backoff: BackoffOptions;
  private readonly log: (line: string) => void;
  private stopSignal: NodeJS.Signals | null = null;
  private stopping: Promise<boolean> | null = null;
  private readonly exitWaiters = new Set<() => void>();
  private disorderlyStop = false;

  constructor(
    specs: readonly ChildSpec[],
    private readonly options: SupervisorOptions = {},
  ) {
    this.children = specs.map((spec) => ({
      spec,
      process: null,
      startedAt: 0,
      restarts: 0,
      restartTimer: null,
    }));
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.log = options.log ?? ((line) => console.log(line));
  }

  start(): void {
    for (const child of this.children) this.launch(child);
  }

  /** The pid of the running process called `name`, if it is running. */
  pid(name: string): number | undefined {
    return this.children.find((child) => child.spec.name === name)?.process?.pid;
  }

  /**
   * Forwards `signal` to every running child, waits until all have exited (killing any still
   * running after the stop timeout) and resolves true when every one stopped in an orderly way.
   * Calling it again (a repeated Ctrl-C) returns the same promise.
   */
  stop(signal: NodeJS.Signals = "SIGTERM"): Promise<boolean> {
    if (!this.stopping) {
      this.stopSignal = signal;
      this.stopping = this.stopAll(signal);
    }
    return this.stopping;
  }

  private async stopAll(signal: NodeJS.Signals): Promise<boolean> {
    for (const child of this.children) {
      if (child.restartTimer) clearTimeout(child.restartTimer);
      child.restartTimer = null;
      child.process?.kill(signal);
    }
    const deadline = setTimeout(() => {
      for (const child of this.children) {
        if (!child.process) continue;
        this.log(`${child.spec.name} did not stop within ${formatDelay(this.stopTimeoutMs)}; killing it`);
        this.disorderlyStop = true;
        killGroup(child.process, "SIGKILL");
      }
    }, this.stopTimeoutMs);
    while (this.children.some((child) => child.process)) {
      await new Promise<void>((resolve) => this.exitWaiters.add(resolve));
    }
    clearTimeout(deadline);
    return !this.disorderlyStop;
  }

  private get stopTimeoutMs(): number {
    return this.options.stopTimeoutMs ?? 40_000;
  }

  private launch(child: ChildState): void {
    child.restartTimer = null;
    const { name, command, args, cwd, env } = child.spec;
    // Own process group: a terminal's Ctrl-C reaches the children once, through us, not twice.
    const proc = spawn(command, [...args], {
      cwd,
      env: env ?? process.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.process = proc;
    child.startedAt = Date.now();
    prefixLines(proc.stdout, this.options.stdout ?? process.stdout, `[${name}] `);
    prefixLines(proc.stderr, this.options.stderr ?? process.stderr, `[${name}] `);
    proc.on("error", (error) => {
      this.log(`${name}: ${error.message}`);
      // A process that never started emits no "exit": treat it as one that exited at once.
      if (!proc.pid) this.onExit(child, proc, 127, null);
    });
    // "exit", not "close": a grandchild holding the pipes open must not delay the restart.
    proc.on("exit", (code, signal) => this.onExit(child, proc, code, signal));
    if (proc.pid) this.log(`${name} started (pid ${proc.pid})`);
  }

  private onExit(child: ChildState, proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null) {
    if (child.process !== proc) return; // already handled ("error" then "exit")
    // Whatever the dead process left in its group (a grandchild) must not hold the port.
    killGroup(proc, "SIGKILL");
    child.process = null;
    const how = describeExit(code, signal);
    if (this.stopSignal) {
      const orderly = isOrderlyStop(code, signal, this.stopSignal);
      if (!orderly) this.disorderlyStop = true;
      this.log(`${child.spec.name} stopped (${how})${orderly ? "" : " — not an orderly stop"}`);
    } else {
      if (Date.now() - child.startedAt >= this.backoff.stableAfterMs) child.restarts = 0;
      child.restarts += 1;
      const delay = restartDelayMs(child.restarts, this.backoff);
      this.log(
        `${child.spec.name} exited (${how}); restarting in ${formatDelay(delay)} (restart ${child.restarts})`,
      );
      child.restartTimer = setTimeout(() => this.launch(child), delay);
    }
    for (const wake of this.exitWaiters) wake();
    this.exitWaiters.clear();
  }
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (!proc.pid) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // ESRCH: the group is already empty.
  }
}

function prefixLines(source: NodeJS.ReadableStream | null, sink: NodeJS.WritableStream, prefix: string) {
  let pending = "";
  source?.on("data", (chunk: Buffer) => {
    const lines = (pending + chunk.toString("utf8")).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) sink.write(`${prefix}${line}\n`);
  });
  source?.on("end", () => {
    if (pending) sink.write(`${prefix}${pending}\n`);
    pending = "";
  });
}
