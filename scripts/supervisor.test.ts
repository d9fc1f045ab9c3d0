import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { type ChildSpec, restartDelayMs, Supervisor } from "./supervisor.ts";

// Real child processes (tiny `node -e` programs), short delays.
const node = (name: string, program: string): ChildSpec => ({
  name,
  command: process.execPath,
  args: ["-e", program],
  cwd: process.cwd(),
});
const SERVES =
  "process.on('SIGTERM', () => process.exit(0)); console.log('up'); setInterval(() => {}, 1000);";
const CRASHES = "setTimeout(() => process.exit(3), 20);";
const IGNORES_SIGTERM = "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);";

function supervise(
  specs: ChildSpec[],
  backoff = { initialDelayMs: 100, maxDelayMs: 400, stableAfterMs: 60_000 },
) {
  const lines: string[] = [];
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const supervisor = new Supervisor(specs, {
    backoff,
    stopTimeoutMs: 1000,
    log: (line) => lines.push(`${Date.now()} ${line}`),
    stdout: output,
    stderr: output,
  });
  return { supervisor, lines, output: () => text };
}

const untilLine = async (lines: string[], pattern: RegExp, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!lines.some((line) => pattern.test(line))) {
    if (Date.now() > deadline) throw new Error(`no line matching ${pattern} in:\n${lines.join("\n")}`);
    await sleep(10);
  }
};

describe("restartDelayMs", () => {
  it("doubles from the initial delay up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((restart) => restartDelayMs(restart))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});

describe("Supervisor", () => {
  it("restarts a crashing child with growing delays while the other keeps its pid", async () => {
    const { supervisor, lines, output } = supervise([node("web", SERVES), node("worker", CRASHES)]);
    supervisor.start();
    const webPid = supervisor.pid("web");
    await untilLine(lines, /worker exited \(3\); restarting in 0.4 s \(restart 4\)/);
    expect(supervisor.pid("web")).toBe(webPid);
    const restarts = lines.filter((line) => line.includes("worker exited"));
    expect(restarts.map((line) => line.replace(/^\d+ /, ""))).toEqual([
      "worker exited (3); restarting in 0.1 s (restart 1)",
      "worker exited (3); restarting in 0.2 s (restart 2)",
      "worker exited (3); restarting in 0.4 s (restart 3)",
      "worker exited (3); restarting in 0.4 s (restart 4)",
    ]);
    // The waits really happened (a crash loop does not spin): ≥ 0.1 + 0.2 + 0.4 s between lines.
    const times = restarts.map((line) => Number(line.split(" ")[0]));
    expect((times[3] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(700);
    expect(await supervisor.stop("SIGTERM")).toBe(true);
    expect(output()).toContain("[web] up\n");
  });

  it("counts from restart 1 again after a child ran for the stable period", async () => {
    const { supervisor, lines } = supervise([node("worker", "setTimeout(() => process.exit(1), 250);")], {
      initialDelayMs: 50,
      maxDelayMs: 1000,
      stableAfterMs: 200,
    });
    supervisor.start();
    await untilLine(lines, /exited \(1\).*/);
    await sleep(600);
    await supervisor.stop("SIGTERM");
    const restarts = lines.filter((line) => line.includes("exited (1)"));
    expect(restarts.length).toBeGreaterThanOrEqual(2);
    for (const line of restarts) expect(line).toMatch(/restarting in 0.1 s \(restart 1\)$/);
  });

  it("a killed child is restarted and reports the signal", async () => {
    const { supervisor, lines } = supervise([node("worker", SERVES)]);
    supervisor.start();
    const first = supervisor.pid("worker");
    process.kill(first ?? 0, "SIGKILL");
    await untilLine(lines, /worker exited \(SIGKILL\); restarting in 0.1 s \(restart 1\)/);
    await untilLine(lines, new RegExp(`worker started \\(pid (?!${first}\\))\\d+\\)`));
    expect(supervisor.pid("worker")).not.toBe(first);
    expect(await supervisor.stop("SIGTERM")).toBe(true);
  });

  it("stop forwards the signal, waits for every child and cancels a pending restart", async () => {
    const { supervisor, lines, output } = supervise([node("web", SERVES), node("worker", CRASHES)], {
      initialDelayMs: 2000,
      maxDelayMs: 2000,
      stableAfterMs: 60_000,
    });
    supervisor.start();
    const webPid = supervisor.pid("web") ?? 0;
    await untilLine(lines, /worker exited \(3\); restarting in 2 s/);
    // The web child has its SIGTERM handler once it said "up" (a slow machine may not be there yet).
    for (const deadline = Date.now() + 5000; !output().includes("[web] up") && Date.now() < deadline; ) {
      await sleep(20);
    }
    expect(await supervisor.stop("SIGTERM")).toBe(true);
    expect(lines.some((line) => line.endsWith("web stopped (0)"))).toBe(true);
    expect(() => process.kill(webPid, 0)).toThrow(); // gone
    await sleep(2200);
    expect(lines.filter((line) => line.includes("worker started"))).toHaveLength(1);
    expect(supervisor.pid("worker")).toBeUndefined();
  });

  it("kills a child that ignores the stop signal after the timeout, and says the stop was not clean", async () => {
    const { supervisor, lines, output } = supervise([node("worker", IGNORES_SIGTERM)]);
    supervisor.start();
    while (!output().includes("up")) await sleep(10);
    const started = Date.now();
    expect(await supervisor.stop("SIGTERM")).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(lines.some((line) => line.includes("worker did not stop within 1 s; killing it"))).toBe(true);
  });
});
