/** One run of an executable in a sandbox. */
export interface SandboxRunRequest {
  /**
   * Absolute path of the executable; never a bare name (nothing is looked up in a PATH, the
   * child's least of all) and never a shell string.
   */
  command: string;
  /** argv[0] the program sees (multi-call binaries read it); defaults to `command`. */
  argv0?: string;
  args: string[];
  /** Environment for the child: exactly this, nothing inherited implicitly. */
  env: Record<string, string>;
  /** Working directory; when omitted the provider creates a fresh temp dir and removes it afterwards. */
  cwd?: string;
  timeoutMs: number;
  /** Max bytes of stdout+stderr kept (interleaved in arrival order); the rest is counted and digested but dropped. */
  outputLimitBytes: number;
  /** Aborting kills the run (cancellation). */
  signal?: AbortSignal;
  /** Optional stdin content. */
  stdin?: string;
}

export type SandboxTermination = "exited" | "timeout" | "cancelled" | "spawn-error";

export interface SandboxRunResult {
  termination: SandboxTermination;
  /** null when killed by a signal or not spawned. */
  exitCode: number | null;
  /** e.g. "SIGKILL". */
  signal: string | null;
  /** Captured (possibly truncated) output, utf8. */
  output: string;
  /** Total bytes produced (not just kept). */
  outputBytes: number;
  outputTruncated: boolean;
  /** "sha256:<hex>" of ALL output bytes produced, in arrival order. */
  outputDigest: string;
  durationMs: number;
  /** For spawn-error: e.g. "ENOENT: no such executable 'foo'". */
  error?: string;
  pid?: number;
}

/** Runs one command in isolation. Never rejects for the child's behaviour: every outcome is a result. */
export interface SandboxProvider {
  readonly name: string;
  run(request: SandboxRunRequest): Promise<SandboxRunResult>;
}
