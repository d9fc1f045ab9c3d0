#!/usr/bin/env -S node --import tsx
import { parseArgs } from "node:util";
import type { AppRouter } from "@qmc/api";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import { RunNotCompleted, runCommand, USAGE, UsageError } from "./commands.ts";

/** Exit codes: 0 done, 1 the API refused (its code is printed) or a run did not complete, 2 bad usage. */
async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      percent: { type: "string" },
      on: { type: "boolean" },
      off: { type: "boolean" },
      shadow: { type: "string" },
      reason: { type: "string" },
      "dry-run": { type: "boolean" },
      event: { type: "string" },
      key: { type: "string" },
      run: { type: "string" },
      decision: { type: "string" },
      all: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const url = process.env.QMC_URL || "http://127.0.0.1:3000/api/trpc";
  const token = process.env.QMC_TOKEN;
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url,
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
  try {
    const result = await runCommand(client, positionals, values, {
      progress: (line) => console.error(line),
    });
    console.log(values.json ? JSON.stringify(result, null, 2) : summarize(result));
    return 0;
  } catch (error) {
    if (error instanceof RunNotCompleted) {
      console.log(values.json ? JSON.stringify(error.run, null, 2) : summarize(error.run));
      console.error(`qmc: ${error.message}`);
      return 1;
    }
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    if (error instanceof TRPCClientError) {
      const data = error.data as { code?: string; domainCode?: string | null } | undefined;
      console.error(`qmc: ${data?.domainCode ?? data?.code ?? "ERROR"}: ${error.message}`);
      return 1;
    }
    console.error(`qmc: cannot reach ${url}: ${(error as Error).message}`);
    return 1;
  }
}

/** One readable line per top-level field; --json gives everything. */
function summarize(result: unknown): string {
  if (result === null || typeof result !== "object") return String(result);
  return Object.entries(result as Record<string, unknown>)
    .map(
      ([key, value]) =>
        `${key}: ${typeof value === "object" && value !== null ? JSON.stringify(value) : String(value)}`,
    )
    .join("\n");
}

main().then((code) => process.exit(code));
