import { existsSync } from "node:fs";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DomainError, QueueSystem } from "@qmc/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineHarness, type EngineHarness, waitForTerminal } from "./testing/engine-harness.ts";
import { WorkOrderSubmitter } from "./work-orders/submit.ts";

/**
 * Issue 9, item 1, through both whole systems: an operator symlinked /bin/sh as `echo` in a
 * folder and submitted `{command: "echo", env: {PATH: <folder>}}`. Refused at submit, and —
 * when a hostile entry reaches a worker anyway — refused again by the worker before spawn.
 */
let h: EngineHarness;
let dir: string;
let marker: string;
const SYSTEMS: QueueSystem[] = ["LEGACY", "NEW"];
const LOADER_VARIABLES = ["LD_PRELOAD", "NODE_OPTIONS", "DYLD_INSERT_LIBRARIES", "BASH_ENV"];
// The env allowlist names PATH and the loader variables: the deny rule must win over it.
// A plain object (no helper), so the same test also runs against the older policy shape.
const lenientPolicy = {
  allowedCommands: ["echo"],
  executables: { echo: "/bin/echo" },
  allowedEnv: ["PATH", "LANG", ...LOADER_VARIABLES],
  childPath: "/usr/bin:/bin",
};

const attack = () => ({
  command: "echo",
  args: ["-c", `touch ${marker}`],
  env: { PATH: `${dir}:/usr/bin:/bin` },
});
const hostilePayloads = () => ({
  path: attack(),
  absolute: { command: "/bin/sh", args: ["-c", `touch ${marker}`] },
  preload: { command: "echo", args: ["x"], env: { LD_PRELOAD: join(dir, "x.so") } },
  bashEnv: { command: "echo", args: ["x"], env: { BASH_ENV: join(dir, "x.sh") } },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "qmc-bypass-"));
  marker = join(dir, "marker");
  await symlink("/bin/sh", join(dir, "echo"));
  h = await createEngineHarness("command-bypass");
  // Hostile entries reach the workers the way a compromised producer or a tampered row would:
  // a harmless order is submitted, then its stored payload is replaced before any worker runs.
  const submitter = new WorkOrderSubmitter(h.db.prisma, h.queues, lenientPolicy as never, h.resources.logger);
  for (const system of SYSTEMS) {
    for (const [name, payload] of Object.entries(hostilePayloads())) {
      const id = `${system}-${name}`;
      await submitter.submit({ id, kind: "command", payload: { command: "echo" }, system, actor: "t" });
      if (system === "NEW") await h.db.prisma.workOrder.update({ where: { id }, data: { payload } });
      else await h.db.prisma.legacyWorkOrder.update({ where: { id }, data: { payload } });
    }
  }
  await h.startEngine({ systems: SYSTEMS }, { commandPolicy: lenientPolicy as never });
});
afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(SYSTEMS)("the PATH bypass, %s system", (system) => {
  it("is refused at submit with COMMAND_NOT_ALLOWED, writing nothing", async () => {
    const submitter = new WorkOrderSubmitter(
      h.db.prisma,
      h.queues,
      lenientPolicy as never,
      h.resources.logger,
    );
    for (const [name, payload] of Object.entries(hostilePayloads())) {
      const error = await submitter
        .submit({ id: `${system}-submit-${name}`, kind: "command", payload, system, actor: "t" })
        .then(() => null)
        .catch((e: unknown) => e);
      expect((error as DomainError | null)?.code, name).toBe("COMMAND_NOT_ALLOWED");
    }
    const written =
      system === "NEW"
        ? await h.db.prisma.workOrder.count({ where: { id: { startsWith: `${system}-submit-` } } })
        : await h.db.prisma.legacyWorkOrder.count({ where: { id: { startsWith: `${system}-submit-` } } });
    expect(written).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it("is refused by the worker when a hostile entry reaches it: the order fails, nothing runs", async () => {
    const ids = Object.keys(hostilePayloads()).map((name) => `${system}-${name}`);
    await waitForTerminal(h.db, ids);
    for (const id of ids) {
      if (system === "NEW") {
        const order = await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id } });
        expect(order, id).toMatchObject({ state: "FAILED", errorClass: "NOT_ALLOWED", attempts: 1 });
      } else {
        const order = await h.db.prisma.legacyWorkOrder.findUniqueOrThrow({ where: { id } });
        expect(order, id).toMatchObject({ status: "failed", exitCode: null });
        expect(order.errorMessage, id).toMatch(/allowlist|never/);
      }
    }
    expect(existsSync(marker)).toBe(false);
  });

  it("still runs an allowlisted command by its absolute path, with no PATH in the payload", async () => {
    const submitter = new WorkOrderSubmitter(
      h.db.prisma,
      h.queues,
      lenientPolicy as never,
      h.resources.logger,
    );
    const id = `${system}-ok`;
    await submitter.submit({
      id,
      kind: "command",
      payload: { command: "echo", args: ["ok"] },
      system,
      actor: "t",
    });
    await waitForTerminal(h.db, [id]);
    const order =
      system === "NEW"
        ? await h.db.prisma.workOrder.findUniqueOrThrow({ where: { id } })
        : await h.db.prisma.legacyWorkOrder.findUniqueOrThrow({ where: { id } });
    expect(order).toMatchObject({ exitCode: 0, output: "ok\n" });
  });
});
