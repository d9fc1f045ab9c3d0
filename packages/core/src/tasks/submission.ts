import { DomainError } from "../errors.ts";
import { assertCommandAllowed, type CommandPayload, type CommandPolicy } from "./command-task.ts";
import type { SyntheticPayload } from "./synthetic-task.ts";
import { isTaskKind, TASK_CATALOG, TASK_KINDS } from "./task-catalog.ts";

/** Largest payload accepted, as UTF-8 JSON: a work order is a command, not a data transfer. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** Higher runs first; FIFO among equal priorities. */
export const PRIORITY_RANGE = { min: 0, max: 10, default: 5 } as const;

export interface SubmissionInput {
  kind: string;
  payload: unknown;
  priority?: number;
}

interface ValidatedCommon {
  priority: number;
  timeoutMs: number;
  maxAttempts: number;
  sideEffects: boolean;
}

/** A submission that passed every check, payload parsed with its defaults filled in. */
export type ValidatedSubmission =
  | (ValidatedCommon & { kind: "synthetic"; payload: SyntheticPayload })
  | (ValidatedCommon & { kind: "command"; payload: CommandPayload });

/**
 * Every check a submission must pass before anything is written: known kind, payload size,
 * payload schema, priority, and for commands the allowlist.
 * @throws DomainError UNKNOWN_TASK_KIND | PAYLOAD_TOO_LARGE | INVALID_PAYLOAD | INVALID_PRIORITY | COMMAND_NOT_ALLOWED
 */
export function validateSubmission(
  input: SubmissionInput,
  commandPolicy: CommandPolicy,
): ValidatedSubmission {
  const { kind } = input;
  if (!isTaskKind(kind)) {
    throw new DomainError(
      "UNKNOWN_TASK_KIND",
      `Unknown task kind "${kind}"; known kinds: ${TASK_KINDS.join(", ")}.`,
      {
        kind,
        knownKinds: TASK_KINDS,
      },
    );
  }
  assertPayloadSize(input.payload);
  const priority = input.priority ?? PRIORITY_RANGE.default;
  if (!Number.isInteger(priority) || priority < PRIORITY_RANGE.min || priority > PRIORITY_RANGE.max) {
    throw new DomainError(
      "INVALID_PRIORITY",
      `Priority must be an integer from ${PRIORITY_RANGE.min} to ${PRIORITY_RANGE.max} (got ${String(priority)}).`,
      { priority, ...PRIORITY_RANGE },
    );
  }
  const definition = TASK_CATALOG[kind];
  const parsed = definition.payloadSchema.safeParse(input.payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`);
    throw new DomainError("INVALID_PAYLOAD", `Invalid ${kind} payload: ${problems.join("; ")}.`, {
      kind,
      problems,
    });
  }
  const common = {
    priority,
    maxAttempts: definition.retryPolicy.maxAttempts,
    sideEffects: definition.sideEffects,
  };
  if (kind === "command") {
    const payload = parsed.data as CommandPayload;
    assertCommandAllowed(payload, commandPolicy);
    return { ...common, kind, payload, timeoutMs: payload.timeoutMs ?? definition.timeoutMs };
  }
  return { ...common, kind, payload: parsed.data as SyntheticPayload, timeoutMs: definition.timeoutMs };
}

function assertPayloadSize(payload: unknown): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch {
    json = undefined;
  }
  if (json === undefined) {
    throw new DomainError("INVALID_PAYLOAD", "The payload must be a JSON value (an object for every kind).", {
      problems: ["payload: not serialisable as JSON"],
    });
  }
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new DomainError(
      "PAYLOAD_TOO_LARGE",
      `The payload is ${bytes} bytes of JSON; the limit is ${MAX_PAYLOAD_BYTES}. Pass a reference to large data instead.`,
      { bytes, limit: MAX_PAYLOAD_BYTES },
    );
  }
}
