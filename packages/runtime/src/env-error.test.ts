import { createEnv } from "@t3-oss/env-core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EnvValidationError, throwEnvValidationError } from "./env-error.ts";

function parse(source: Record<string, string | undefined>) {
  return createEnv({
    server: { PORT: z.coerce.number().int().min(1).max(65535), URL: z.url() },
    runtimeEnv: source,
    onValidationError: throwEnvValidationError,
  });
}

describe("throwEnvValidationError", () => {
  it("names every bad variable with what is wrong", () => {
    const error = (() => {
      try {
        parse({ PORT: "99999", URL: "not a url" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EnvValidationError);
    const problems = (error as EnvValidationError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^PORT: /);
    expect(problems[1]).toMatch(/^URL: /);
    expect((error as Error).message).toContain("Invalid environment variables");
  });

  it("passes valid input through", () => {
    expect(parse({ PORT: "3000", URL: "http://x.test" }).PORT).toBe(3000);
  });
});
