import type { StandardSchemaV1 } from "@t3-oss/env-core";

/** Bad environment: one line per variable, saying what is wrong with it. */
export class EnvValidationError extends Error {
  readonly code = "INVALID_ENVIRONMENT";
  constructor(readonly problems: string[]) {
    super(`Invalid environment variables:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** For `createEnv({ onValidationError })`: turn schema issues into an actionable error. */
export function throwEnvValidationError(issues: readonly StandardSchemaV1.Issue[]): never {
  throw new EnvValidationError(
    issues.map((issue) => {
      const key = issue.path?.map((p) => (typeof p === "object" ? String(p.key) : String(p))).join(".");
      return key ? `${key}: ${issue.message}` : issue.message;
    }),
  );
}
