import { describe, expect, it } from "vitest";
import { CommandPayloadSchema, commandEnvironment } from "./command-task.ts";

describe("commandEnvironment", () => {
  it("passes only allowlisted worker variables, then the payload's", () => {
    const payload = CommandPayloadSchema.parse({ command: "echo", env: { GREETING: "hi" } });
    const env = commandEnvironment(
      payload,
      { allowedCommands: ["echo"], allowedEnv: ["PATH", "GREETING", "LANG"] },
      { PATH: "/usr/bin", SECRET_TOKEN: "x", GREETING: "worker" },
    );
    expect(env).toEqual({ PATH: "/usr/bin", GREETING: "hi" });
  });
});

describe("CommandPayloadSchema", () => {
  it("refuses args given as one shell string", () => {
    expect(CommandPayloadSchema.safeParse({ command: "echo", args: "a b" }).success).toBe(false);
  });
});
