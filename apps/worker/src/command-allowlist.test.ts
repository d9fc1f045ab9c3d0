import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvValidationError } from "@qmc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveCommandAllowlist } from "./command-allowlist.ts";
import { parseWorkerEnv } from "./env.ts";
import { spawnWorker } from "./testing/spawn-worker.ts";

let dir: string;
let first: string;
let second: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "qmc-allowlist-"));
  [first, second] = [join(dir, "first"), join(dir, "second")];
  await mkdir(first);
  await mkdir(second);
  const tool = join(second, "real-tool");
  await writeFile(tool, "#!/bin/sh\necho tool\n");
  await chmod(tool, 0o755);
  await symlink(tool, join(second, "tool"));
  await symlink("/bin/sh", join(first, "echo"));
  await writeFile(join(first, "data"), "not a program");
  await chmod(join(first, "data"), 0o644);
  await mkdir(join(first, "folder"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const entry = (name: string, path: string | null = null) => ({ name, path });

describe("resolveCommandAllowlist", () => {
  it("fixes each name to the real file behind the first match in the search path", async () => {
    const resolved = resolveCommandAllowlist([entry("tool"), entry("echo")], [first, second]);
    expect(resolved).toEqual({
      ok: true,
      executables: { tool: await realpath(join(second, "real-tool")), echo: await realpath("/bin/sh") },
    });
  });

  it("takes name=/abs/path as given, symlinks resolved", async () => {
    const resolved = resolveCommandAllowlist([entry("report", join(second, "tool"))], []);
    expect(resolved).toEqual({
      ok: true,
      executables: { report: await realpath(join(second, "real-tool")) },
    });
  });

  it("names every entry that leads to no executable file", () => {
    const resolved = resolveCommandAllowlist(
      [
        entry("missing"),
        entry("data"),
        entry("folder"),
        entry("x", join(first, "data")),
        entry("y", "/nope"),
      ],
      [first],
    );
    expect(resolved).toEqual({
      ok: false,
      problems: [
        expect.stringMatching(
          /^"missing" was not found as an executable in COMMAND_PATH \(.*first\); install it, or give its path as missing=\/abs\/path$/,
        ),
        expect.stringMatching(/^"data" was not found/),
        expect.stringMatching(/^"folder" was not found/),
        `x=${join(first, "data")}: not executable`,
        "y=/nope: no such file",
      ],
    });
  });
});

describe("parseWorkerEnv: the command policy", () => {
  it("resolves the default allowlist on this machine and gives commands a fixed PATH", () => {
    const env = parseWorkerEnv({});
    expect(env.COMMAND_POLICY.allowedCommands).toEqual(["echo", "true", "false", "sleep"]);
    for (const path of Object.values(env.COMMAND_POLICY.executables)) expect(path).toMatch(/^\/.+\/[a-z]+$/);
    expect(env.COMMAND_POLICY).toMatchObject({
      allowedEnv: ["LANG", "TZ"],
      childPath: "/usr/local/bin:/usr/bin:/bin",
    });
  });

  it("looks bare names up in COMMAND_PATH, not in the PATH the worker was started with", async () => {
    const env = parseWorkerEnv({ COMMAND_ALLOWLIST: "tool", COMMAND_PATH: second, PATH: first });
    expect(env.COMMAND_POLICY.executables).toEqual({ tool: await realpath(join(second, "real-tool")) });
    expect(() => parseWorkerEnv({ COMMAND_ALLOWLIST: "tool", PATH: second })).toThrow(/"tool" was not found/);
  });

  it.each([
    ["COMMAND_ALLOWLIST", "echo,no-such-tool-qmc", /COMMAND_ALLOWLIST: "no-such-tool-qmc" was not found/],
    [
      "COMMAND_ALLOWLIST",
      "/bin/sh",
      /give the command a name and its path as name=\/abs\/path \(e\.g\. sh=\/bin\/sh\)/,
    ],
    ["COMMAND_ALLOWLIST", "echo,echo", /"echo" is listed twice/],
    ["COMMAND_ENV_ALLOWLIST", "LANG,PATH", /PATH can never be passed to a command/],
    ["COMMAND_ENV_ALLOWLIST", "NODE_OPTIONS", /NODE_OPTIONS can never be passed/],
    ["COMMAND_PATH", "/usr/bin:.", /every part must be an absolute directory/],
  ])("refuses %s=%s", (name, value, message) => {
    let error: unknown;
    try {
      parseWorkerEnv({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvValidationError);
    expect((error as Error).message).toMatch(message);
  });

  it("stops the real worker with exit code 2 and a sentence when a name cannot be resolved", async () => {
    const worker = spawnWorker({ COMMAND_ALLOWLIST: "echo,no-such-tool-qmc" });
    expect(await worker.exited).toBe(2);
    expect(worker.lines.join("\n")).toMatch(
      /COMMAND_ALLOWLIST: "no-such-tool-qmc" was not found as an executable in COMMAND_PATH/,
    );
  });
});
