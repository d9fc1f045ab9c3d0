import type { z } from "zod";
import { jsonNestingDepth, MAX_INPUT_DEPTH, MAX_REQUEST_BYTES } from "../http/request-limits.ts";
import { findUnstorableValues } from "../schemas/input-schemas.ts";
import { invalidInput } from "./rest-errors.ts";

/** A batch body may be larger than one order's: 1,000 orders of about 8 KiB each. */
export const MAX_BATCH_REQUEST_BYTES = 8 * 1024 * 1024;

/** The body limit of a path: the batch endpoint's, or the API's 2 MiB. */
export function bodyLimitFor(path: string): number {
  return path.replace(/\/+$/, "").endsWith("/batch") ? MAX_BATCH_REQUEST_BYTES : MAX_REQUEST_BYTES;
}

/**
 * The JSON body of a request, checked in the order that keeps each check safe: how deep it nests
 * (on the raw bytes, before any recursive parse), that it is JSON, that Postgres can store every
 * value (no NUL), then its schema. `envelope` is how many levels the body wraps around an order
 * (0 for one order, 2 for `{"orders": [order]}`), so a payload may nest as deep in both.
 * @throws DomainError INVALID_INPUT naming the field
 */
export function parseBody<T extends z.ZodType>(
  bytes: Uint8Array | null,
  schema: T,
  envelope: number,
): z.infer<T> {
  if (!bytes || bytes.byteLength === 0) {
    throw invalidInput(
      "The request has no body: send the order(s) as JSON (Content-Type: application/json).",
    );
  }
  const depth = jsonNestingDepth(bytes) - envelope;
  if (depth > MAX_INPUT_DEPTH) {
    throw invalidInput(
      `An order nests objects and arrays ${depth} levels deep; at most ${MAX_INPUT_DEPTH} levels are accepted. Flatten it; nothing was carried out.`,
      undefined,
      { depth, maxDepth: MAX_INPUT_DEPTH },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw invalidInput("The body is not valid JSON (UTF-8): send the order(s) as a JSON document.");
  }
  const unstorable = findUnstorableValues(value);
  if (unstorable.length > 0) {
    const [first] = unstorable;
    throw invalidInput(sentence(unstorable), first?.path || undefined, { issues: unstorable });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join("."),
      message: i.message,
    }));
    throw invalidInput(sentence(issues), issues[0]?.path || undefined, { issues });
  }
  return parsed.data;
}

function sentence(issues: Array<{ path: string; message: string }>): string {
  const parts = issues.slice(0, 5).map((i) => `${i.path || "body"}: ${i.message}`);
  return `Invalid input: ${parts.join("; ")}${issues.length > 5 ? `; and ${issues.length - 5} more` : ""}.`;
}
