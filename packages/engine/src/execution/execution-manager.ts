import {
  type CommandPayload,
  type CommandRunPolicy,
  commandEnvironment,
  type ErrorClass,
  executableFor,
  isDomainError,
  SYNTHETIC_EXIT_CODES,
  type SyntheticPayload,
  validateSubmission,
} from "@qmc/core";
import type { SandboxProvider, SandboxRunResult } from "../sandbox/index.ts";
import { runSynthetic } from "./synthetic-runner.ts";

export interface AttemptRequest {
  kind: string;
  payload: unknown;
  /** Decides synthetic behaviour: the order's id, or the shadowed legacy order's id. */
  seedId: string;
  attempt: number;
  /** Aborting cancels the attempt (operator cancel, shutdown). */
  signal: AbortSignal;
}

export type AttemptOutcome =
  | { status: "succeeded"; run: SandboxRunResult }
  | { status: "failed"; errorClass: ErrorClass; errorMessage: string; run: SandboxRunResult | null }
  | { status: "cancelled"; run: SandboxRunResult | null };

/**
 * Runs one attempt of any task kind and classifies how it ended. It re-validates the payload
 * and the allowlist at execution time (the worker's allowlist is the one that counts, and a
 * queue entry is never trusted), spawns a command only by the absolute path its name maps to,
 * and never throws for the task's own behaviour. Both systems run their attempts here.
 */
export class ExecutionManager {
  constructor(
    private readonly sandbox: SandboxProvider,
    private readonly commandPolicy: CommandRunPolicy,
    private readonly workerEnv: Readonly<Record<string, string | undefined>>,
    private readonly outputLimitBytes: number,
  ) {}

  async runAttempt(request: AttemptRequest): Promise<AttemptOutcome> {
    let validated: ReturnType<typeof validateSubmission>;
    try {
      validated = validateSubmission({ kind: request.kind, payload: request.payload }, this.commandPolicy);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      const errorClass: ErrorClass = error.code === "COMMAND_NOT_ALLOWED" ? "NOT_ALLOWED" : "INVALID_PAYLOAD";
      return { status: "failed", errorClass, errorMessage: error.message, run: null };
    }
    if (validated.kind === "synthetic") {
      const run = await runSynthetic(
        request.seedId,
        request.attempt,
        validated.payload,
        request.signal,
        validated.timeoutMs,
        this.outputLimitBytes,
      );
      return classify(run, validated.payload);
    }
    const { payload } = validated;
    const executable = executableFor(payload, this.commandPolicy);
    if (executable === null) {
      const errorMessage = `Command "${payload.command}" has no executable on this worker's allowlist.`;
      return { status: "failed", errorClass: "NOT_ALLOWED", errorMessage, run: null };
    }
    return classify(await this.runCommand(executable, payload, validated.timeoutMs, request.signal), payload);
  }

  /** Spawns the worker's own executable for the name, never anything the payload names. */
  private runCommand(
    executable: string,
    payload: CommandPayload,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<SandboxRunResult> {
    return this.sandbox.run({
      command: executable,
      argv0: payload.command,
      args: payload.args,
      env: commandEnvironment(payload, this.commandPolicy, this.workerEnv),
      timeoutMs,
      outputLimitBytes: this.outputLimitBytes,
      signal,
      ...(payload.stdin === undefined ? {} : { stdin: payload.stdin }),
    });
  }
}

function classify(run: SandboxRunResult, payload: CommandPayload | SyntheticPayload): AttemptOutcome {
  switch (run.termination) {
    case "cancelled":
      return { status: "cancelled", run };
    case "timeout":
      return {
        status: "failed",
        errorClass: "TIMEOUT",
        errorMessage: `timed out after ${run.durationMs} ms`,
        run,
      };
    case "spawn-error":
      return {
        status: "failed",
        errorClass: "SPAWN_FAILED",
        errorMessage: run.error ?? "could not start",
        run,
      };
    case "exited":
      break;
  }
  if (run.exitCode === 0) return { status: "succeeded", run };
  if (run.exitCode === null) {
    return {
      status: "failed",
      errorClass: "CRASH",
      errorMessage: `killed by ${run.signal ?? "a signal"}`,
      run,
    };
  }
  const fatal =
    "fatalExitCodes" in payload
      ? payload.fatalExitCodes.includes(run.exitCode)
      : run.exitCode === SYNTHETIC_EXIT_CODES.fatal;
  return {
    status: "failed",
    errorClass: fatal ? "EXIT_FATAL" : "EXIT_NONZERO",
    errorMessage: `exited with code ${run.exitCode}${fatal ? " (declared fatal: not retried)" : ""}`,
    run,
  };
}
