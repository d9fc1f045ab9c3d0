import { existsSync } from "node:fs";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SubprocessSandbox } from "../sandbox/index.ts";
import { ExecutionManager } from "./execution-manager.ts";

/**
 * The worker-side execution path fed hostile queue entries directly (no submit validation in
 * front of it), with a real sandbox and real processes. The worker's allowlist names `echo`;
 * its env allowlist even lists loader variables: the deny rule must win anyway.
 */
let dir: string;
let marker: string;
const LOADER_VARIABLES = ["LD_PRELOAD", "NODE_OPTIONS", "DYLD_INSERT_LIBRARIES", "BASH_ENV"];
// Built as a plain object (no helper) so the same test runs against older policy shapes.
const policy = {
  allowedCommands: ["echo"],
  executables: { echo: "/bin/echo" },
  allowedEnv: ["PATH", "GREETING", ...LOADER_VARIABLES],
  childPath: "/usr/bin:/bin",
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "qmc-bypass-"));
  marker = join(dir, "marker");
  // The operator's attack: a folder where `echo` is really /bin/sh.
  await symlink("/bin/sh", join(dir, "echo"));
  await writeFile(join(dir, "bash-env.sh"), `touch ${marker}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function manager(workerEnv: Record<string, string | undefined> = {}) {
  return new ExecutionManager(new SubprocessSandbox(), policy as never, workerEnv, 65_536);
}

function attempt(payload: object, workerEnv?: Record<string, string | undefined>) {
  return manager(workerEnv).runAttempt({
    kind: "command",
    payload,
    seedId: "order-1",
    attempt: 1,
    signal: new AbortController().signal,
  });
}

describe("ExecutionManager: the command allowlist cannot be bypassed from the queue", () => {
  it("refuses PATH in the payload (the symlinked-echo attack): nothing runs, no marker", async () => {
    const outcome = await attempt({
      command: "echo",
      args: ["-c", `touch ${marker}`],
      env: { PATH: `${dir}:/usr/bin:/bin` },
    });
    expect(outcome).toMatchObject({ status: "failed", errorClass: "NOT_ALLOWED", run: null });
    expect(outcome.status === "failed" && outcome.errorMessage).toMatch(/PATH/);
    expect(existsSync(marker)).toBe(false);
  });

  it("refuses a command given as an absolute path, even of an allowlisted program", async () => {
    for (const command of ["/bin/sh", "/bin/echo", `${dir}/echo`]) {
      const outcome = await attempt({ command, args: ["-c", `touch ${marker}`] });
      expect(outcome).toMatchObject({ status: "failed", errorClass: "NOT_ALLOWED", run: null });
    }
    expect(existsSync(marker)).toBe(false);
  });

  it.each(LOADER_VARIABLES)("refuses %s even though the env allowlist lists it", async (name) => {
    const outcome = await attempt({
      command: "echo",
      args: ["hi"],
      env: { [name]: join(dir, "bash-env.sh") },
    });
    expect(outcome).toMatchObject({ status: "failed", errorClass: "NOT_ALLOWED", run: null });
    expect(outcome.status === "failed" && outcome.errorMessage).toMatch(name);
    expect(existsSync(marker)).toBe(false);
  });

  it("runs the allowlisted program by its absolute path, whatever PATH the worker has", async () => {
    // The worker's own PATH starts with the attack folder and PATH is on the env allowlist:
    // still the real echo runs, and the child gets the configured PATH, not the worker's.
    const outcome = await attempt(
      { command: "echo", args: ["-c", `touch ${marker}`] },
      { PATH: `${dir}:/usr/bin:/bin` },
    );
    expect(outcome).toMatchObject({
      status: "succeeded",
      run: { exitCode: 0, output: `-c touch ${marker}\n` },
    });
    expect(existsSync(marker)).toBe(false);
  });

  it("runs an allowlisted command whose payload has no env at all", async () => {
    const outcome = await attempt({ command: "echo", args: ["hello"] });
    expect(outcome).toMatchObject({ status: "succeeded", run: { exitCode: 0, output: "hello\n" } });
  });
});
