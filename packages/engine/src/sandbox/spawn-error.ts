import { stat } from "node:fs/promises";

/** A readable one-line reason why `command` could not be started, led by the errno code. */
export function describeSpawnError(error: unknown, command: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case "ENOTABSOLUTE":
      return `ENOTABSOLUTE: '${command}' is not an absolute path; the sandbox never looks a name up in PATH`;
    case "ENOENT":
      return `ENOENT: no such executable '${command}'`;
    case "EACCES":
      return `EACCES: permission denied executing '${command}'`;
    case "ENOEXEC":
      return `ENOEXEC: '${command}' is not an executable format`;
    case "E2BIG":
      return `E2BIG: argument list or environment too long for '${command}'`;
    default:
      return `${code ?? "ERROR"}: could not start '${command}': ${message}`;
  }
}

/**
 * Checks a caller-given working directory before spawning: a missing cwd would otherwise be
 * reported by spawn as ENOENT for the executable, which misleads. Null when it is usable.
 */
export async function checkWorkingDirectory(cwd: string): Promise<string | null> {
  try {
    const info = await stat(cwd);
    return info.isDirectory() ? null : `ENOTDIR: working directory '${cwd}' is not a directory`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "ERROR";
    return `${code}: working directory '${cwd}' is not accessible`;
  }
}
