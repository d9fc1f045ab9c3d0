import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { isGroupAlive } from "./process-group.ts";
import type { SandboxRunRequest } from "./sandbox-provider.ts";
import { SubprocessSandbox } from "./subprocess-sandbox.ts";
import { isAbsent, printedPids, waitUntilGroupReaped } from "./test-support.ts";

function sh(script: string, extra: Partial<SandboxRunRequest> = {}): SandboxRunRequest {
  return {
    command: "/bin/sh",
    args: ["-c", script],
    env: {},
    timeoutMs: 10_000,
    outputLimitBytes: 65_536,
    ...extra,
  };
}

/** Grandchildren that would outlive a naive kill of the leader; their pids are printed first. */
const FAMILY = "sleep 30 & echo $!; sleep 30 & echo $!; wait";

/** Everything the run started is dead when the result arrives, and the group is eventually reaped. */
async function expectNoSurvivors(pid: number | undefined, grandchildren: number[]): Promise<void> {
  expect(pid).toBeGreaterThan(0);
  const pgid = pid ?? 0;
  expect(await isGroupAlive(pgid)).toBe(false);
  expect(await waitUntilGroupReaped(pgid)).toBe(true);
  for (const child of grandchildren) expect(isAbsent(child)).toBe(true);
}

// Concurrent: each test mostly waits (for its timeout, and for init to reap the killed orphans).
describe.concurrent("SubprocessSandbox: killing the process group", () => {
  it("times out and kills the whole group with SIGTERM", async () => {
    const sandbox = new SubprocessSandbox({ killGraceMs: 1_000 });
    const started = performance.now();
    const result = await sandbox.run(sh(FAMILY, { env: { PATH: "/usr/bin:/bin" }, timeoutMs: 300 }));
    const wall = performance.now() - started;
    expect(result).toMatchObject({ termination: "timeout", exitCode: null, signal: "SIGTERM" });
    expect(wall).toBeGreaterThanOrEqual(290);
    expect(wall).toBeLessThan(300 + 1_000);
    expect(result.durationMs).toBeLessThan(300 + 1_000);
    const grandchildren = printedPids(result.output);
    expect(grandchildren).toHaveLength(2);
    await expectNoSurvivors(result.pid, grandchildren);
  });

  it("SIGKILLs a group that ignores SIGTERM once the grace period is over", async () => {
    const sandbox = new SubprocessSandbox({ killGraceMs: 200 });
    const started = performance.now();
    const result = await sandbox.run(
      sh(`trap "" TERM; ${FAMILY}`, { env: { PATH: "/usr/bin:/bin" }, timeoutMs: 300 }),
    );
    const wall = performance.now() - started;
    expect(result).toMatchObject({ termination: "timeout", exitCode: null, signal: "SIGKILL" });
    expect(wall).toBeGreaterThanOrEqual(300 + 190);
    expect(wall).toBeLessThan(300 + 200 + 1_000);
    const grandchildren = printedPids(result.output);
    expect(grandchildren).toHaveLength(2);
    await expectNoSurvivors(result.pid, grandchildren);
  });

  it("cancels a running command via its AbortSignal and kills the group", async () => {
    const sandbox = new SubprocessSandbox({ killGraceMs: 1_000 });
    const controller = new AbortController();
    const running = sandbox.run(sh(FAMILY, { env: { PATH: "/usr/bin:/bin" }, signal: controller.signal }));
    await sleep(200);
    const abortedAt = performance.now();
    controller.abort();
    const result = await running;
    expect(performance.now() - abortedAt).toBeLessThan(1_000);
    expect(result).toMatchObject({ termination: "cancelled", exitCode: null, signal: "SIGTERM" });
    const grandchildren = printedPids(result.output);
    expect(grandchildren).toHaveLength(2);
    await expectNoSurvivors(result.pid, grandchildren);
  });

  it("kills what an exited leader left behind, without waiting for the timeout", async () => {
    const sandbox = new SubprocessSandbox({ killGraceMs: 1_000 });
    const started = performance.now();
    // One leftover keeps the output pipe open, one does not; the leader itself exits 0 at once.
    const result = await sandbox.run(
      sh("sleep 30 & echo $!; sleep 30 >/dev/null 2>&1 & echo $!; exit 0", {
        env: { PATH: "/usr/bin:/bin" },
      }),
    );
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result).toMatchObject({ termination: "exited", exitCode: 0, signal: null });
    const leftovers = printedPids(result.output);
    expect(leftovers).toHaveLength(2);
    await expectNoSurvivors(result.pid, leftovers);
  });

  it("ignores an abort that arrives after the run finished", async () => {
    const sandbox = new SubprocessSandbox();
    const controller = new AbortController();
    const result = await sandbox.run(sh("echo done", { signal: controller.signal }));
    controller.abort();
    expect(result).toMatchObject({ termination: "exited", exitCode: 0, output: "done\n" });
  });
});
