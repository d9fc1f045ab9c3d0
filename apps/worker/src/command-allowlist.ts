import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import type { CommandAllowlistEntry } from "@qmc/core";

export type ResolvedAllowlist =
  | { ok: true; executables: Record<string, string> }
  | { ok: false; problems: string[] };

/**
 * Fixes, once at worker start, the executable behind every COMMAND_ALLOWLIST name: a bare name
 * is looked up in the worker's COMMAND_PATH (first match, like a shell), `name=/abs/path` is
 * taken as given; either way symlinks are resolved, so a later change of a link in a searched
 * folder changes nothing. Payloads only ever pick a name from the result. Every entry that does
 * not lead to an executable file is a problem: the worker refuses to start (exit 2) rather than
 * fail orders later.
 */
export function resolveCommandAllowlist(
  entries: readonly CommandAllowlistEntry[],
  searchDirs: readonly string[],
): ResolvedAllowlist {
  const executables: Record<string, string> = {};
  const problems: string[] = [];
  for (const { name, path } of entries) {
    if (path !== null) {
      const problem = executableProblem(path);
      if (problem === null) executables[name] = realpathSync(path);
      else problems.push(`${name}=${path}: ${problem}`);
      continue;
    }
    const found = searchDirs
      .map((dir) => join(dir, name))
      .find((candidate) => executableProblem(candidate) === null);
    if (found === undefined) {
      problems.push(
        `"${name}" was not found as an executable in COMMAND_PATH (${searchDirs.join(":")}); install it, or give its path as ${name}=/abs/path`,
      );
    } else {
      executables[name] = realpathSync(found);
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, executables };
}

/** Null when `path` is (or links to) a regular file this process may execute. */
function executableProblem(path: string): string | null {
  try {
    if (!statSync(path).isFile()) return "not a regular file";
    accessSync(path, constants.X_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "no such file" : code === "EACCES" ? "not executable" : `not usable (${code})`;
  }
}
