import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.ts";
import { MAX_PAYLOAD_BYTES, validateSubmission } from "./submission.ts";

const policy = { allowedCommands: ["echo", "sleep"], allowedEnv: ["PATH", "GREETING"] };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : "not a DomainError";
  }
  return undefined;
}

describe("validateSubmission", () => {
  it("fills payload defaults and the kind's limits for a synthetic order", () => {
    const v = validateSubmission({ kind: "synthetic", payload: { durationMs: 10 } }, policy);
    expect(v).toMatchObject({
      kind: "synthetic",
      priority: 5,
      maxAttempts: 3,
      sideEffects: false,
      payload: { durationMs: 10, failureRate: 0, failureMode: "retryable", outputBytes: 0, memoryMb: 0 },
    });
  });

  it("accepts an allowlisted command and marks it as having side effects", () => {
    const v = validateSubmission(
      { kind: "command", payload: { command: "echo", args: ["hi"], timeoutMs: 500 } },
      policy,
    );
    expect(v).toMatchObject({
      kind: "command",
      sideEffects: true,
      timeoutMs: 500,
      payload: { args: ["hi"] },
    });
  });

  it.each([
    ["an unknown kind", { kind: "bogus", payload: {} }, "UNKNOWN_TASK_KIND"],
    ["a payload failing its schema", { kind: "synthetic", payload: { durationMs: -1 } }, "INVALID_PAYLOAD"],
    ["an unknown payload field", { kind: "synthetic", payload: { sleep: 1 } }, "INVALID_PAYLOAD"],
    ["a payload that is not an object", { kind: "synthetic", payload: "50" }, "INVALID_PAYLOAD"],
    ["a payload that is not JSON", { kind: "synthetic", payload: undefined }, "INVALID_PAYLOAD"],
    [
      "a payload over the size limit",
      { kind: "synthetic", payload: { pad: "x".repeat(MAX_PAYLOAD_BYTES) } },
      "PAYLOAD_TOO_LARGE",
    ],
    [
      "a command not on the allowlist",
      { kind: "command", payload: { command: "rm", args: ["-rf", "/"] } },
      "COMMAND_NOT_ALLOWED",
    ],
    [
      "a shell string as command",
      { kind: "command", payload: { command: "echo hi; rm -rf /" } },
      "COMMAND_NOT_ALLOWED",
    ],
    [
      "an env variable not on the allowlist",
      { kind: "command", payload: { command: "echo", env: { SECRET: "x" } } },
      "COMMAND_NOT_ALLOWED",
    ],
    [
      "PATH, even though the env allowlist lists it",
      { kind: "command", payload: { command: "echo", env: { PATH: "/tmp/evil" } } },
      "COMMAND_NOT_ALLOWED",
    ],
    [
      "LD_PRELOAD",
      { kind: "command", payload: { command: "echo", env: { LD_PRELOAD: "/x.so" } } },
      "COMMAND_NOT_ALLOWED",
    ],
    [
      "a command given as an absolute path",
      { kind: "command", payload: { command: "/bin/sh", args: ["-c", "id"] } },
      "COMMAND_NOT_ALLOWED",
    ],
    ["a fractional priority", { kind: "synthetic", payload: {}, priority: 1.5 }, "INVALID_PRIORITY"],
    ["a priority above the range", { kind: "synthetic", payload: {}, priority: 11 }, "INVALID_PRIORITY"],
  ])("refuses %s with a typed error", (_name, input, code) => {
    expect(codeOf(() => validateSubmission(input, policy))).toBe(code);
  });

  it("names the offending field and the limit in its messages", () => {
    expect(() => validateSubmission({ kind: "synthetic", payload: { durationMs: -1 } }, policy)).toThrow(
      /durationMs/,
    );
    expect(() => validateSubmission({ kind: "command", payload: { command: "rm" } }, policy)).toThrow(
      /"rm" is not on the allowlist; allowed: echo, sleep/,
    );
    expect(() => validateSubmission({ kind: "x", payload: {} }, policy)).toThrow(
      /known kinds: synthetic, command/,
    );
  });
});
