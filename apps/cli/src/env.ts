import { throwEnvValidationError } from "@qmc/runtime";
import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

export const DEFAULT_QMC_URL = "http://127.0.0.1:3000/api/trpc";

/** The CLI's variables: where the console's API is, the token to call it with, how long to wait. */
export const cliEnvShape = {
  /** The console's tRPC endpoint. */
  QMC_URL: z
    .url({ protocol: /^https?$/, error: `an http:// or https:// URL, e.g. ${DEFAULT_QMC_URL}` })
    .default(DEFAULT_QMC_URL),
  /** An API token (qmc_…); unset: calls are anonymous and the API answers UNAUTHORIZED. */
  QMC_TOKEN: z.string().optional(),
  /** How long one call may take before the CLI gives up on it. */
  QMC_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
};

/** @throws EnvValidationError naming every bad variable (the CLI exits 2). */
export function parseCliEnv(source: Record<string, string | undefined> = process.env) {
  return createEnv({
    server: cliEnvShape,
    runtimeEnv: source,
    emptyStringAsUndefined: true,
    onValidationError: throwEnvValidationError,
  });
}

export type CliEnv = ReturnType<typeof parseCliEnv>;
