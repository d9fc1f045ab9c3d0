import { describe, expect, it } from "vitest";
import { CommandEnvNameSchema, isForbiddenCommandEnv } from "./command-env.ts";

describe("isForbiddenCommandEnv", () => {
  it.each([
    "PATH",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "DYLD_INSERT_LIBRARIES",
    "NODE_OPTIONS",
    "NODE_PATH",
    "BASH_ENV",
    "ENV",
    "IFS",
    "PYTHONPATH",
    "PYTHONSTARTUP",
    "PYTHONHOME",
    "PERL5LIB",
    "PERL5OPT",
    "RUBYOPT",
    "RUBYLIB",
    "GCONV_PATH",
    "LOCPATH",
    "HOSTALIASES",
    "MALLOC_CHECK_",
    "GLIBC_TUNABLES",
    "JAVA_TOOL_OPTIONS",
    "GIT_SSH_COMMAND",
    "npm_config_script_shell",
    "ld_preload",
  ])("forbids %s", (name) => {
    expect(isForbiddenCommandEnv(name)).toBe(true);
  });

  it.each(["LANG", "TZ", "LC_ALL", "GREETING", "MY_PATHS", "ENVIRONMENT"])("allows %s", (name) => {
    expect(isForbiddenCommandEnv(name)).toBe(false);
  });
});

describe("CommandEnvNameSchema", () => {
  it("refuses a forbidden name with a sentence saying why", () => {
    const result = CommandEnvNameSchema.safeParse("PATH");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/PATH can never be passed to a command/);
    expect(CommandEnvNameSchema.safeParse("LANG").success).toBe(true);
  });
});
