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

const CliEnvSchema = z.object(cliEnvShape);
export type CliEnv = z.infer<typeof CliEnvSchema>;

/** Bad variables, one line each (the CLI exits 2). The apps' @qmc/runtime error, without its logger's start-up cost. */
export class CliEnvError extends Error {
  readonly code = "INVALID_ENVIRONMENT";
  constructor(readonly problems: string[]) {
    super(`Invalid environment variables:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** @throws CliEnvError naming every bad variable. */
export function parseCliEnv(source: Record<string, string | undefined> = process.env): CliEnv {
  const values = Object.fromEntries(
    Object.keys(cliEnvShape).map((key) => [key, source[key] === "" ? undefined : source[key]]),
  );
  const parsed = CliEnvSchema.safeParse(values);
  if (parsed.success) return parsed.data;
  throw new CliEnvError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
}
