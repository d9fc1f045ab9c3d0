import { z } from "zod";

/**
 * What every API input must be for Postgres to store or compare it. {@link findUnstorableValues}
 * is applied to the whole input of every procedure (see `trpc.ts`), so no router can forget it;
 * the schemas below add what only a field's meaning tells (an id is a 64-bit integer).
 */

/** The largest value of a Postgres `bigint` (signed 64-bit). */
export const INT64_MAX = 9_223_372_036_854_775_807n;
const INT64_MIN = -9_223_372_036_854_775_808n;

/**
 * Dates the API accepts: what a `timestamp(3)` column holds and JavaScript prints as a plain
 * ISO date (years 1970 to 9999). Nothing this product records lies outside it.
 */
export const STORABLE_DATES = {
  min: new Date("1970-01-01T00:00:00.000Z"),
  max: new Date("9999-12-31T23:59:59.999Z"),
} as const;

/** One refused value: where it is in the input (dot path) and why, in a sentence. */
export interface InputIssue {
  path: string;
  message: string;
}

const NUL = "\u0000";
const MAX_ISSUES = 10;

/**
 * Values in `input` that Postgres cannot store: strings (values or object keys, at any depth,
 * payload JSON included) with a NUL character, which neither `text` nor `jsonb` accept; dates
 * outside {@link STORABLE_DATES} or invalid; bigints outside the signed 64-bit range.
 * Iterative, so a deeply nested payload cannot overflow the stack.
 */
export function findUnstorableValues(input: unknown): InputIssue[] {
  const issues: InputIssue[] = [];
  const stack: Array<{ value: unknown; path: string }> = [{ value: input, path: "" }];
  const seen = new Set<object>();
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    const issue = unstorable(value);
    if (issue) issues.push({ path, message: issue });
    if (typeof value !== "object" || value === null || seen.has(value) || value instanceof Date) continue;
    seen.add(value);
    const entries: Array<[unknown, unknown]> =
      value instanceof Map
        ? [...value.entries()]
        : value instanceof Set
          ? [...value].map((v, i) => [i, v])
          : Object.entries(value);
    for (const [key, child] of entries) {
      const childPath = path ? `${path}.${String(key)}` : String(key);
      if (typeof key === "string" && key.includes(NUL)) {
        issues.push({
          path: childPath,
          message: "a key with a NUL character (\\u0000) cannot be stored; remove it",
        });
      }
      stack.push({ value: child, path: childPath });
    }
  }
  return issues;
}

function unstorable(value: unknown): string | null {
  if (typeof value === "string" && value.includes(NUL)) {
    return "a NUL character (\\u0000) cannot be stored; remove it";
  }
  if (value instanceof Date) {
    const time = value.getTime();
    if (Number.isNaN(time)) return "not a valid date";
    if (time < STORABLE_DATES.min.getTime() || time > STORABLE_DATES.max.getTime()) {
      return "a date outside 1970-01-01 to 9999-12-31 cannot be stored";
    }
  }
  if (typeof value === "bigint" && (value > INT64_MAX || value < INT64_MIN)) {
    return "outside the signed 64-bit integer range";
  }
  return null;
}

/**
 * A positive id of a `bigint` column given as a decimal string (audit events; cursors are `pageCursor`):
 * at most {@link INT64_MAX}, so "9999999999999999999" is refused here, not by Postgres.
 */
export function int64Id(label: string) {
  return (
    z
      .string()
      .regex(/^[0-9]{1,19}$/, { error: `${label} is a whole number of at most 19 digits`, abort: true })
      // Only once the digits are known good: BigInt("abc") throws, and zod 4 runs every check.
      .refine((value) => BigInt(value) <= INT64_MAX, `${label} is at most ${INT64_MAX}`)
  );
}

/**
 * An optional boolean that, when its key is present, must be a boolean: superjson can send an
 * explicit `undefined`, which would otherwise reach the database as a missing value.
 */
export const ZOptionalFlag = z.boolean().exactOptional();
