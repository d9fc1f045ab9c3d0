import { fileURLToPath } from "node:url";

/**
 * Where the e2e web server's stdout and stderr go: playwright.config.ts tees them here, and
 * server-log-teardown.ts reads them once every spec has run. Inside Playwright's output folder,
 * which it clears before the server starts, so each run checks only its own lines.
 */
export const WEB_SERVER_LOG = fileURLToPath(new URL("./test-results/web-server.log", import.meta.url));

/** pino's `error`: this level and `fatal` (60) are failures someone has to look at. */
const PINO_ERROR_LEVEL = 50;

/**
 * Error lines a spec provokes on purpose, each with why it is expected. None today: a spec that
 * makes the server fail must add its line here with the reason, or change what it provokes.
 */
export const EXPECTED_ERROR_LINES: ReadonlyArray<{ pattern: RegExp; reason: string }> = [];

/**
 * The web server's error-level lines: pino lines at level ≥ 50, and what Next prints for a failed
 * render or route outside our logger (` ⨯ Error: …`, `Error: …`, unhandled rejections). Stack
 * lines under them are left out; expected lines (above) too.
 */
export function serverErrorLines(log: string): string[] {
  return log
    .split("\n")
    .filter((line) => isErrorLine(line))
    .filter((line) => !EXPECTED_ERROR_LINES.some(({ pattern }) => pattern.test(line)));
}

function isErrorLine(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed.startsWith("{")) {
    try {
      const level = (JSON.parse(trimmed) as { level?: unknown }).level;
      return typeof level === "number" && level >= PINO_ERROR_LEVEL;
    } catch {
      // Not one of our JSON lines after all: judged as text below.
    }
  }
  return /^(⨯|\[?\w*Error\b|Unhandled|Uncaught)/.test(trimmed);
}

/** One line as the failure lists it: for our JSON lines, what failed and where, not the stack. */
export function describeLine(line: string): string {
  try {
    const entry = JSON.parse(line) as {
      level?: number;
      msg?: string;
      path?: string;
      err?: { message?: string };
    };
    return [`level ${entry.level}`, entry.msg, entry.path, entry.err?.message].filter(Boolean).join(" · ");
  } catch {
    return line.trim().slice(0, 300);
  }
}
