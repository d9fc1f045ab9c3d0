import { z } from "zod";
import { DomainError } from "../errors.ts";
import { COMMAND_NAME_PATTERN, isCleanAbsolutePath } from "./command-allowlist.ts";
import { isForbiddenCommandEnv } from "./command-env.ts";

/**
 * `command`: an executable from the operator's allowlist with an argument array — never a
 * shell string. It has side effects, so shadow mode never runs it.
 */
export const CommandPayloadSchema = z
  .object({
    /** Name of an allowlisted command (never a path): the worker runs the executable it maps to. */
    command: z.string().min(1).max(256),
    args: z.array(z.string().max(4096)).max(64).default([]),
    /** Extra environment variables; names must be on the env allowlist and never loader/path variables. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), z.string().max(4096)).default({}),
    stdin: z.string().max(65_536).optional(),
    /** Overrides the kind's timeout, up to one hour. */
    timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
    /** Exit codes that mean "do not retry": the command itself says the failure is permanent. */
    fatalExitCodes: z.array(z.number().int().min(1).max(255)).max(32).default([]),
  })
  .strict();

export type CommandPayload = z.infer<typeof CommandPayloadSchema>;

/** What a submitter checks: which names and variables a `command` payload may use. */
export interface CommandPolicy {
  /** Command names a payload may give (exact match; never a path). */
  allowedCommands: readonly string[];
  /** Variables a payload may set or the worker may pass through; forbidden ones never pass. */
  allowedEnv: readonly string[];
}

/**
 * What a worker runs: fixed from its own configuration when it starts, never from a payload.
 * Also a {@link CommandPolicy} (the names are the executables' keys), so the worker re-checks
 * every payload with the same rule as the submitter.
 */
export interface CommandRunPolicy extends CommandPolicy {
  /** Allowlisted name → absolute path (symlinks resolved) of the executable spawned for it. */
  executables: Readonly<Record<string, string>>;
  /** The PATH every command runs with (COMMAND_PATH), whatever the payload or worker env says. */
  childPath: string;
}

/** @throws Error when a name is not a command name or a path is not absolute (a programming error). */
export function commandRunPolicy(input: {
  executables: Readonly<Record<string, string>>;
  allowedEnv: readonly string[];
  childPath: string;
}): CommandRunPolicy {
  for (const [name, path] of Object.entries(input.executables)) {
    if (!COMMAND_NAME_PATTERN.test(name) || !isCleanAbsolutePath(path)) {
      throw new Error(`command allowlist entry ${name}=${path}: a plain name and an absolute path`);
    }
  }
  return {
    allowedCommands: Object.keys(input.executables),
    executables: { ...input.executables },
    allowedEnv: input.allowedEnv.filter((name) => !isForbiddenCommandEnv(name)),
    childPath: input.childPath,
  };
}

/** @throws DomainError COMMAND_NOT_ALLOWED naming the command or variable and what is allowed. */
export function assertCommandAllowed(payload: CommandPayload, policy: CommandPolicy): void {
  if (!COMMAND_NAME_PATTERN.test(payload.command) || !policy.allowedCommands.includes(payload.command)) {
    const allowed = policy.allowedCommands.length ? policy.allowedCommands.join(", ") : "(none configured)";
    const hint = payload.command.includes("/")
      ? " Commands are named by their allowlist name, never a path."
      : "";
    throw new DomainError(
      "COMMAND_NOT_ALLOWED",
      `Command "${payload.command}" is not on the allowlist; allowed: ${allowed}.${hint} An operator adds commands with COMMAND_ALLOWLIST.`,
      { command: payload.command, allowedCommands: [...policy.allowedCommands] },
    );
  }
  const names = Object.keys(payload.env);
  const forbidden = names.filter(isForbiddenCommandEnv);
  if (forbidden.length) {
    throw new DomainError(
      "COMMAND_NOT_ALLOWED",
      `Environment variables ${forbidden.join(", ")} can never be set by a work order: they change which program runs or what it loads. Commands run with the worker's COMMAND_PATH.`,
      { forbiddenEnv: forbidden, allowedEnv: policy.allowedEnv.filter((n) => !isForbiddenCommandEnv(n)) },
    );
  }
  const notAllowed = names.filter((name) => !policy.allowedEnv.includes(name));
  if (notAllowed.length) {
    throw new DomainError(
      "COMMAND_NOT_ALLOWED",
      `Environment variables not on the allowlist: ${notAllowed.join(", ")}; allowed: ${policy.allowedEnv.join(", ") || "(none)"}.`,
      { forbiddenEnv: notAllowed, allowedEnv: [...policy.allowedEnv] },
    );
  }
}

/**
 * The executable to spawn for an allowed payload: the absolute path the worker fixed at start
 * for its name. Null when the name is not in the map (nothing must run then).
 */
export function executableFor(payload: CommandPayload, policy: CommandRunPolicy): string | null {
  if (!COMMAND_NAME_PATTERN.test(payload.command) || !policy.allowedCommands.includes(payload.command)) {
    return null;
  }
  if (!Object.hasOwn(policy.executables, payload.command)) return null;
  const path = policy.executables[payload.command];
  return path !== undefined && isCleanAbsolutePath(path) ? path : null;
}

/**
 * The child's whole environment: allowlisted variables of the worker, then the payload's, then
 * PATH = the worker's COMMAND_PATH. Forbidden variables never pass, whatever the allowlist says.
 */
export function commandEnvironment(
  payload: CommandPayload,
  policy: CommandRunPolicy,
  workerEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const passes = (name: string) => policy.allowedEnv.includes(name) && !isForbiddenCommandEnv(name);
  const env: Record<string, string> = {};
  for (const name of policy.allowedEnv) {
    const value = workerEnv[name];
    if (value !== undefined && passes(name)) env[name] = value;
  }
  for (const [name, value] of Object.entries(payload.env)) {
    if (passes(name)) env[name] = value;
  }
  env.PATH = policy.childPath;
  return env;
}
