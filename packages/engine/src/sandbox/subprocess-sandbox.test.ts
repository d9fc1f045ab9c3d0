import { existsSync } from "node:fs";
import { chmod, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxRunRequest } from "./sandbox-provider.ts";
import { SubprocessSandbox } from "./subprocess-sandbox.ts";
import { sha256 } from "./test-support.ts";

let tempRoot: string;
let sandbox: SubprocessSandbox;

beforeAll(async () => {
  tempRoot = await mkdtemp(join(tmpdir(), "sandbox-test-"));
  sandbox = new SubprocessSandbox({ tempRoot });
});
afterAll(async () => {
  await rm(tempRoot, { recursive: true, force: true });
});

function sh(script: string, extra: Partial<SandboxRunRequest> = {}): SandboxRunRequest {
  return {
    command: "/bin/sh",
    args: ["-c", script],
    env: {},
    timeoutMs: 5_000,
    outputLimitBytes: 65_536,
    ...extra,
  };
}

describe("SubprocessSandbox: exit and output", () => {
  it("reports exit code 0 and captures stdout", async () => {
    const result = await sandbox.run(sh("echo hello"));
    expect(result).toMatchObject({ termination: "exited", exitCode: 0, signal: null, output: "hello\n" });
    expect(result.outputBytes).toBe(6);
    expect(result.outputTruncated).toBe(false);
    expect(result.outputDigest).toBe(sha256("hello\n"));
    expect(result.pid).toBeGreaterThan(0);
    expect(result.error).toBeUndefined();
  });

  it("reports a non-zero exit code", async () => {
    const result = await sandbox.run(sh("exit 3"));
    expect(result).toMatchObject({ termination: "exited", exitCode: 3, signal: null, output: "" });
    expect(result.outputDigest).toBe(sha256(""));
  });

  it("reports the signal when the child is killed by one", async () => {
    const result = await sandbox.run(sh("kill -USR1 $$"));
    expect(result).toMatchObject({ termination: "exited", exitCode: null, signal: "SIGUSR1" });
  });

  it("interleaves stdout and stderr in arrival order and digests exactly those bytes", async () => {
    const result = await sandbox.run(
      sh("echo out1; sleep 0.05; echo err1 >&2; sleep 0.05; echo out2; exit 1"),
    );
    const expected = "out1\nerr1\nout2\n";
    expect(result).toMatchObject({ termination: "exited", exitCode: 1, output: expected });
    expect(result.outputDigest).toBe(sha256(expected));
  });

  it("keeps only outputLimitBytes but counts and digests everything", async () => {
    const size = 1_048_576;
    const result = await sandbox.run(
      sh(`head -c ${size} /dev/zero | tr '\\0' x`, {
        env: { PATH: "/usr/bin:/bin" },
        outputLimitBytes: 1_000,
      }),
    );
    expect(result.termination).toBe("exited");
    expect(result.exitCode).toBe(0);
    expect(Buffer.byteLength(result.output)).toBe(1_000);
    expect(result.output).toBe("x".repeat(1_000));
    expect(result.outputBytes).toBe(size);
    expect(result.outputTruncated).toBe(true);
    expect(result.outputDigest).toBe(sha256(Buffer.alloc(size, "x")));
  });

  it("delivers stdin, and closes it when none is given", async () => {
    const fed = await sandbox.run({
      ...sh(""),
      command: "/bin/cat",
      args: [],
      stdin: "line one\nline two ✓",
    });
    expect(fed).toMatchObject({ termination: "exited", exitCode: 0, output: "line one\nline two ✓" });
    const empty = await sandbox.run({ ...sh(""), command: "/bin/cat", args: [], timeoutMs: 2_000 });
    expect(empty).toMatchObject({ termination: "exited", exitCode: 0, output: "" });
  });
});

describe("SubprocessSandbox: environment and working directory", () => {
  it("gives the child exactly the env passed, nothing inherited", async () => {
    expect(process.env.PATH).toBeDefined();
    const result = await sandbox.run({
      ...sh(""),
      command: "/usr/bin/env",
      args: [],
      env: { FOO: "bar", WITH_SPACE: "a b=c", EMPTY: "" },
    });
    expect(result.exitCode).toBe(0);
    expect(result.output.trimEnd().split("\n").sort()).toEqual(["EMPTY=", "FOO=bar", "WITH_SPACE=a b=c"]);
    const bare = await sandbox.run({ ...sh(""), command: "/usr/bin/env", args: [], env: {} });
    expect(bare.output).toBe("");
  });

  it("runs each command in a fresh temp directory and removes it afterwards", async () => {
    const first = await sandbox.run(
      sh("pwd; echo data > file.txt; mkdir -p sub/deeper; echo x > sub/deeper/y"),
    );
    const second = await sandbox.run(sh("pwd; ls -A | wc -l", { env: { PATH: "/usr/bin:/bin" } }));
    const firstDir = first.output.trim();
    const [secondDir, entries] = second.output.trim().split("\n");
    expect(first.exitCode).toBe(0);
    expect(firstDir.startsWith(join(tempRoot, "qmc-sandbox-"))).toBe(true);
    expect(secondDir?.startsWith(join(tempRoot, "qmc-sandbox-"))).toBe(true);
    expect(secondDir).not.toBe(firstDir);
    expect(entries?.trim()).toBe("0");
    expect(existsSync(firstDir)).toBe(false);
    expect(existsSync(secondDir ?? "")).toBe(false);
    expect(await readdir(tempRoot)).toEqual([]);
  });

  it("uses a given cwd as is and leaves it in place", async () => {
    const dir = await mkdtemp(join(tempRoot, "given-"));
    const result = await sandbox.run(sh("pwd; echo kept > out.txt", { cwd: dir }));
    expect(result.output).toBe(`${dir}\n`);
    expect(existsSync(join(dir, "out.txt"))).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });

  it("reports a missing given cwd as spawn-error naming the directory", async () => {
    const result = await sandbox.run(sh("pwd", { cwd: join(tempRoot, "does-not-exist") }));
    expect(result.termination).toBe("spawn-error");
    expect(result.error).toMatch(/^ENOENT: working directory '.*does-not-exist' is not accessible$/);
  });
});

describe("SubprocessSandbox: spawn errors and pre-aborted runs", () => {
  it("resolves spawn-error for a missing executable", async () => {
    const missing = await sandbox.run({ ...sh(""), command: "/nonexistent/bin/tool", args: [] });
    expect(missing).toMatchObject({
      termination: "spawn-error",
      exitCode: null,
      signal: null,
      output: "",
      outputBytes: 0,
      error: "ENOENT: no such executable '/nonexistent/bin/tool'",
    });
    expect(missing.pid).toBeUndefined();
    expect(missing.outputDigest).toBe(sha256(""));
    expect(await readdir(tempRoot)).toEqual([]);
  });

  it("never looks a bare name up in PATH, not even one the child's env provides", async () => {
    const dir = await mkdtemp(join(tempRoot, "path-"));
    const marker = join(dir, "marker");
    await symlink("/bin/sh", join(dir, "echo"));
    for (const command of ["echo", "sh", "./echo", "no-such-executable-qmc"]) {
      const result = await sandbox.run({
        command,
        args: ["-c", `/usr/bin/touch ${marker}`],
        env: { PATH: `${dir}:/usr/bin:/bin` },
        cwd: dir,
        timeoutMs: 5_000,
        outputLimitBytes: 1_000,
      });
      expect(result).toMatchObject({ termination: "spawn-error", exitCode: null });
      expect(result.pid).toBeUndefined();
      expect(result.error).toBe(
        `ENOTABSOLUTE: '${command}' is not an absolute path; the sandbox never looks a name up in PATH`,
      );
    }
    expect(existsSync(marker)).toBe(false);
    await rm(dir, { recursive: true, force: true });
  });

  it("gives the program the argv[0] asked for", async () => {
    const result = await sandbox.run({ ...sh('echo "$0"'), argv0: "renamed-sh" });
    expect(result).toMatchObject({ exitCode: 0, output: "renamed-sh\n" });
  });

  it("resolves spawn-error EACCES for a file that is not executable", async () => {
    const dir = await mkdtemp(join(tempRoot, "noexec-"));
    const script = join(dir, "script.sh");
    await writeFile(script, "#!/bin/sh\necho hi\n");
    await chmod(script, 0o644);
    const result = await sandbox.run({ ...sh(""), command: script, args: [] });
    expect(result.termination).toBe("spawn-error");
    expect(result.error).toBe(`EACCES: permission denied executing '${script}'`);
    await rm(dir, { recursive: true, force: true });
  });

  it("resolves spawn-error for an invalid command instead of throwing", async () => {
    const result = await sandbox.run({ ...sh(""), command: "/bin/sh\0oops", args: [] });
    expect(result.termination).toBe("spawn-error");
    expect(result.error).toMatch(/^ERR_INVALID_ARG_VALUE: could not start/);
  });

  it("does not spawn (nor create a directory) when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const marker = join(tempRoot, "must-not-exist");
    const result = await sandbox.run(sh(`touch ${marker}`, { signal: controller.signal }));
    expect(result).toMatchObject({ termination: "cancelled", exitCode: null, signal: null, output: "" });
    expect(result.pid).toBeUndefined();
    expect(await readdir(tempRoot)).toEqual([]);
  });
});
