// The rule: every query procedure the console calls is measured by `npm run bench:dashboard`, so a
// page cannot start polling a read whose cost nobody has looked at on a month of data. Mutations
// are left out (an operator's click, not a poll). The console's calls are found in its source: the
// tRPC proxy (`trpc.router.procedure.queryOptions(…)`, also in server prefetches) and the vanilla
// client (`client.router.procedure.query(…)`); a path counts when it names a procedure of the
// app router, whose own definition says query or mutation.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { appRouter } from "@qmc/api";
import { describe, expect, it } from "vitest";
import { DASHBOARD_READS } from "./lib/dashboard-reads.ts";

const CONSOLE_SOURCE = join(import.meta.dirname, "../apps/web/src");
/** Uses that call the procedure (a queryKey or queryFilter only names it, for invalidation). */
const CALL = /\.(\w+)\.(\w+)\.(queryOptions|infiniteQueryOptions|query|mutationOptions|mutate)\(/g;

type ProcedureType = "query" | "mutation" | "subscription";
const procedures = (
  appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: ProcedureType } }> } }
)._def.procedures;
const typeOf = (path: string): ProcedureType | undefined => procedures[path]?._def.type;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every procedure the console's source calls, with the files that call it. */
function consoleCalls(): Map<string, string[]> {
  const calls = new Map<string, string[]>();
  for (const file of sourceFiles(CONSOLE_SOURCE)) {
    for (const [, router, procedure] of readFileSync(file, "utf8").matchAll(CALL)) {
      const path = `${router}.${procedure}`;
      if (!typeOf(path)) continue; // not a tRPC path (`trpc.x.y` in a comment, another object)
      calls.set(path, [...(calls.get(path) ?? []), file.slice(CONSOLE_SOURCE.length + 1)]);
    }
  }
  return calls;
}

describe("bench:dashboard measures what the console reads", () => {
  const calls = consoleCalls();
  const queries = [...calls.keys()].filter((p) => typeOf(p) === "query").sort();
  const measured = new Set(DASHBOARD_READS.map((r) => r.procedure));

  it("finds the console's calls of both kinds (the scan itself works)", () => {
    expect(queries).toEqual(
      expect.arrayContaining(["system.queueDepths", "comparison.stats", "rollout.get"]),
    );
    expect([...calls.keys()].filter((p) => typeOf(p) === "mutation")).toContain("rollout.set");
  });

  it("measures every query procedure the console calls", () => {
    const missing = queries
      .filter((p) => !measured.has(p))
      .map((p) => `${p} (called in ${[...new Set(calls.get(p))].join(", ")})`);
    expect(missing, `add these to bench/lib/dashboard-reads.ts:\n${missing.join("\n")}`).toEqual([]);
  });

  it("lists only query procedures that exist", () => {
    const wrong = [...measured].filter((p) => p !== null && typeOf(p) !== "query");
    expect(wrong, "not a query procedure of the app router").toEqual([]);
  });
});
