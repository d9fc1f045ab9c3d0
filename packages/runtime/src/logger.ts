import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };

export interface LoggerOptions {
  /**
   * Values that must never appear in a log line (the routing salt). Asked for on every line and
   * replaced wherever they occur, whatever logged them (an error message quoting a query, say).
   * Values of 8+ characters are replaced anywhere, of 3–7 only as whole words, shorter ones not.
   */
  secrets?: () => Iterable<string>;
  /** Where lines go. @defaultValue stdout */
  destination?: DestinationStream;
}

export const REDACTED = "[redacted]";

/** Keys whose values are secrets at any of the first three levels of a log object. */
const SECRET_KEYS = ["salt", "password", "token"];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/**
 * Structured JSON logs on stdout. Child loggers carry context (workerId, workOrderId) so
 * every line about one work order can be found with one filter. Secret keys are redacted,
 * errors are logged as type, message, stack, primitive fields and cause — never the objects
 * they carry (Prisma's `meta` with a failing row, a domain error's details) — and `secrets`
 * are scrubbed from every line.
 */
export function createLogger(name: string, level = "info", options: LoggerOptions = {}): Logger {
  const { secrets, destination } = options;
  const settings = {
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: { err: serializeError },
    ...(secrets ? { hooks: { streamWrite: scrubber(secrets) } } : {}),
  };
  return destination ? pino(settings, destination) : pino(settings);
}

const MAX_CAUSE_DEPTH = 5;

/** An error as a log line shows it: no nested objects but its cause chain. */
export function serializeError(error: unknown, depth = 0): unknown {
  if (typeof error !== "object" || error === null) return error;
  const out: Record<string, unknown> = {};
  if (error instanceof Error) {
    out.type = error.constructor?.name || error.name;
    out.message = error.message;
    out.stack = error.stack;
  }
  for (const [key, value] of Object.entries(error)) {
    const primitive = value === null || ["string", "number", "boolean"].includes(typeof value);
    if (primitive && !(key in out)) out[key] = value;
  }
  if (depth < MAX_CAUSE_DEPTH) {
    const { cause, errors } = error as { cause?: unknown; errors?: unknown };
    if (cause !== undefined) out.cause = serializeError(cause, depth + 1);
    if (Array.isArray(errors)) out.errors = errors.slice(0, 5).map((e) => serializeError(e, depth + 1));
  }
  return out;
}

function scrubber(secrets: () => Iterable<string>): (line: string) => string {
  let cachedKey = "";
  let patterns: RegExp[] = [];
  return (line) => {
    const values = [...secrets()].filter((s) => s.length >= 3);
    const key = values.join("\n");
    if (key !== cachedKey) {
      cachedKey = key;
      patterns = values.flatMap((value) =>
        // As written, and as JSON escapes it inside a string.
        [...new Set([value, JSON.stringify(value).slice(1, -1)])].map((form) => {
          const escaped = form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          return new RegExp(value.length >= 8 ? escaped : `(?<![\\w-])${escaped}(?![\\w-])`, "g");
        }),
      );
    }
    let out = line;
    for (const pattern of patterns) out = out.replace(pattern, REDACTED);
    return out;
  };
}
