import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.ts";
import {
  assertCommandAllowed,
  CommandPayloadSchema,
  commandEnvironment,
  commandRunPolicy,
  executableFor,
} from "./command-task.ts";

const policy = commandRunPolicy({
  executables: { echo: "/usr/bin/echo" },
  // Loader variables listed by mistake: the deny rule wins over the list.
  allowedEnv: ["PATH", "GREETING", "LANG", "LD_PRELOAD"],
  childPath: "/usr/bin:/bin",
});
const payload = (fields: object) => CommandPayloadSchema.parse({ command: "echo", ...fields });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : "not a DomainError";
  }
  return undefined;
}

describe("commandEnvironment", () => {
  it("passes allowlisted worker variables, then the payload's, and always the configured PATH", () => {
    const env = commandEnvironment(payload({ env: { GREETING: "hi" } }), policy, {
      PATH: "/tmp/evil",
      SECRET_TOKEN: "x",
      GREETING: "worker",
      LANG: "C.UTF-8",
      LD_PRELOAD: "/tmp/evil.so",
    });
    expect(env).toEqual({ PATH: "/usr/bin:/bin", GREETING: "hi", LANG: "C.UTF-8" });
  });

  it("drops forbidden variables even from a payload that skipped the check", () => {
    const env = commandEnvironment(payload({ env: { PATH: "/tmp/evil", LD_PRELOAD: "/x.so" } }), policy, {});
    expect(env).toEqual({ PATH: "/usr/bin:/bin" });
  });
});

describe("assertCommandAllowed", () => {
  it("accepts an allowlisted name with allowed variables", () => {
    expect(codeOf(() => assertCommandAllowed(payload({ env: { GREETING: "x" } }), policy))).toBeUndefined();
  });

  it.each([
    ["an absolute path", { command: "/bin/sh" }],
    ["the absolute path of an allowlisted program", { command: "/usr/bin/echo" }],
    ["a relative path", { command: "./echo" }],
    ["a name not on the list", { command: "sh" }],
    ["PATH", { env: { PATH: "/tmp/evil" } }],
    ["LD_PRELOAD, though listed", { env: { LD_PRELOAD: "/x.so" } }],
    ["NODE_OPTIONS", { env: { NODE_OPTIONS: "--require /x.js" } }],
    ["DYLD_INSERT_LIBRARIES", { env: { DYLD_INSERT_LIBRARIES: "/x.dylib" } }],
    ["BASH_ENV", { env: { BASH_ENV: "/x.sh" } }],
    ["a variable off the list", { env: { SECRET: "x" } }],
  ])("refuses %s with COMMAND_NOT_ALLOWED", (_name, fields) => {
    expect(codeOf(() => assertCommandAllowed(payload(fields), policy))).toBe("COMMAND_NOT_ALLOWED");
  });

  it("says why a loader variable is refused", () => {
    expect(() => assertCommandAllowed(payload({ env: { PATH: "/x", LD_AUDIT: "/y" } }), policy)).toThrow(
      /PATH, LD_AUDIT can never be set by a work order/,
    );
  });
});

describe("executableFor", () => {
  it("maps an allowlisted name to its fixed absolute path", () => {
    expect(executableFor(payload({}), policy)).toBe("/usr/bin/echo");
  });

  it("maps nothing else, not even inherited object keys", () => {
    for (const command of ["sh", "/usr/bin/echo", "constructor", "toString", "__proto__"]) {
      expect(executableFor(payload({ command }), policy)).toBeNull();
    }
  });
});

describe("commandRunPolicy", () => {
  it("takes its names from the executables and never keeps forbidden variables", () => {
    expect(policy.allowedCommands).toEqual(["echo"]);
    expect(policy.allowedEnv).toEqual(["GREETING", "LANG"]);
  });

  it("refuses a path as a name or a relative executable", () => {
    expect(() =>
      commandRunPolicy({ executables: { "/bin/sh": "/bin/sh" }, allowedEnv: [], childPath: "/bin" }),
    ).toThrow();
    expect(() =>
      commandRunPolicy({ executables: { sh: "sh" }, allowedEnv: [], childPath: "/bin" }),
    ).toThrow();
  });
});

describe("CommandPayloadSchema", () => {
  it("refuses args given as one shell string", () => {
    expect(CommandPayloadSchema.safeParse({ command: "echo", args: "a b" }).success).toBe(false);
  });
});
