import { z } from "zod";

/**
 * What a payload's `command` may be: a plain name, never a path. The name is only a key into
 * the worker's allowlist, which maps it to an executable fixed when the worker started.
 */
export const COMMAND_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** One COMMAND_ALLOWLIST entry: `name` (looked up in COMMAND_PATH at start) or `name=/abs/path`. */
export interface CommandAllowlistEntry {
  name: string;
  /** The operator's explicit executable; null when the name is looked up in COMMAND_PATH. */
  path: string | null;
}

export type ParsedAllowlistEntry =
  | { ok: true; entry: CommandAllowlistEntry }
  | { ok: false; problem: string };

export function parseCommandAllowlistEntry(raw: string): ParsedAllowlistEntry {
  const at = raw.indexOf("=");
  const name = (at === -1 ? raw : raw.slice(0, at)).trim();
  const path = at === -1 ? null : raw.slice(at + 1).trim();
  if (name.startsWith("/")) {
    return {
      ok: false,
      problem: `"${raw}" is a path; give the command a name and its path as name=/abs/path (e.g. ${name.slice(name.lastIndexOf("/") + 1) || "tool"}=${name})`,
    };
  }
  if (!COMMAND_NAME_PATTERN.test(name)) {
    return {
      ok: false,
      problem: `"${name}" is not a command name (letters, digits, . _ + -, at most 64, no path)`,
    };
  }
  if (path !== null && !isCleanAbsolutePath(path)) {
    return { ok: false, problem: `${name}=${path}: the path must be absolute, without "." or ".." parts` };
  }
  return { ok: true, entry: { name, path } };
}

export function isCleanAbsolutePath(path: string): boolean {
  return (
    path.startsWith("/") &&
    path.length <= 4096 &&
    !path.includes("\0") &&
    path.split("/").every((part) => part !== "." && part !== "..")
  );
}

/** A COMMAND_PATH value: absolute directories separated by ":" (an empty part would mean "."). */
export function parseSearchPath(
  value: string,
): { ok: true; dirs: string[] } | { ok: false; problem: string } {
  const dirs = value.split(":");
  const bad = dirs.filter((dir) => !isCleanAbsolutePath(dir));
  return bad.length
    ? {
        ok: false,
        problem: `every part must be an absolute directory; not: ${bad.map((d) => `"${d}"`).join(", ")}`,
      }
    : { ok: true, dirs };
}

/** One entry of COMMAND_ALLOWLIST as a zod item (for `commaList`). */
export const CommandAllowlistEntrySchema = z.string().transform((raw, ctx): CommandAllowlistEntry => {
  const parsed = parseCommandAllowlistEntry(raw);
  if (parsed.ok) return parsed.entry;
  ctx.issues.push({ code: "custom", message: parsed.problem, input: raw });
  return z.NEVER;
});

/** The whole list: each name once. */
export function refineUniqueNames(entries: CommandAllowlistEntry[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const { name } of entries) {
    if (seen.has(name)) ctx.addIssue({ code: "custom", message: `"${name}" is listed twice` });
    seen.add(name);
  }
}

/** COMMAND_PATH as a zod schema: the PATH of every command and where bare names are looked up. */
export const CommandSearchPathSchema = z.string().superRefine((value, ctx) => {
  const parsed = parseSearchPath(value);
  if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.problem });
});

/** The PATH commands run with, and where bare allowlist names are looked up, unless configured. */
export const DEFAULT_COMMAND_PATH = "/usr/local/bin:/usr/bin:/bin";
