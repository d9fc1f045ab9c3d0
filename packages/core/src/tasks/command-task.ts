import { z } from "zod";
import { DomainError } from "../errors.ts";

/**
 * `command`: an executable from the operator's allowlist with an argument array — never a
 * shell string. It has side effects, so shadow mode never runs it.
 */
export const CommandPayloadSchema = z
  .object({
    /** Executable name or absolute path; must be on the worker's allowlist. */
    command: z.string().min(1).max(256),
    args: z.array(z.string().max(4096)).max(64).default([]),
    /** Extra environment variables; names must be on the env allowlist. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), z.string().max(4096)).default({}),
    stdin: z.string().max(65_536).optional(),
    /** Overrides the kind's timeout, up to one hour. */
    timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
    /** Exit codes that mean "do not retry": the command itself says the failure is permanent. */
    fatalExitCodes: z.array(z.number().int().min(1).max(255)).max(32).default([]),
  })
  .strict();

export type CommandPayload = z.infer<typeof CommandPayloadSchema>;

export interface CommandPolicy {
  /** Executables that may run (exact match on the payload's `command`). */
  allowedCommands: readonly string[];
  /** Environment variable names a payload may set or the worker may pass through. */
  allowedEnv: readonly string[];
}

/** @throws DomainError COMMAND_NOT_ALLOWED naming the command or variable and what is allowed. */
export function assertCommandAllowed(payload: CommandPayload, policy: CommandPolicy): void {
  if (!policy.allowedCommands.includes(payload.command)) {
    const allowed = policy.allowedCommands.length ? policy.allowedCommands.join(", ") : "(none configured)";
    throw new DomainError(
      "COMMAND_NOT_ALLOWED",
      `Command "${payload.command}" is not on the allowlist; allowed: ${allowed}. An operator adds commands with COMMAND_ALLOWLIST.`,
      { command: payload.command, allowedCommands: [...policy.allowedCommands] },
    );
  }
  const forbidden = Object.keys(payload.env).filter((name) => !policy.allowedEnv.includes(name));
  if (forbidden.length) {
    throw new DomainError(
      "COMMAND_NOT_ALLOWED",
      `Environment variables not on the allowlist: ${forbidden.join(", ")}; allowed: ${policy.allowedEnv.join(", ") || "(none)"}.`,
      { forbiddenEnv: forbidden, allowedEnv: [...policy.allowedEnv] },
    );
  }
}

/** The child's whole environment: allowlisted variables of the worker, then the payload's. */
export function commandEnvironment(
  payload: CommandPayload,
  policy: CommandPolicy,
  workerEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of policy.allowedEnv) {
    const value = workerEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...payload.env };
}
