import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../main.ts", import.meta.url));

export interface QmcResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `qmc` process with these variables on top of the test's own environment. */
export function runQmc(args: string[], env: Record<string, string>): Promise<QmcResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", CLI, ...args],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
