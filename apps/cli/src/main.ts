#!/usr/bin/env -S node --import tsx
import { parseArgs } from "node:util";
import { TRPCClientError } from "@trpc/client";
import { type CommandOutput, RunNotCompleted, runCommand, USAGE, UsageError } from "./commands.ts";
import { createApiClient, describeUnreachable } from "./connection.ts";
import { type CliEnv, CliEnvError, parseCliEnv } from "./env.ts";
import { runView } from "./format/run-view.ts";

/**
 * Exit codes: 0 done; 1 the API refused (its code is printed), a run did not complete, or the
 * console could not be reached (CONSOLE_UNREACHABLE, with the URL and why); 2 bad usage or bad
 * environment.
 */
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
  let env: CliEnv;
  try {
    env = parseCliEnv();
  } catch (error) {
    if (!(error instanceof CliEnvError)) throw error;
    console.error(`qmc: ${error.code}: ${error.message}`);
    return 2;
  }
  const url = env.QMC_URL;
  const client = createApiClient({
    url,
    timeoutMs: env.QMC_TIMEOUT_MS,
    ...(env.QMC_TOKEN ? { token: env.QMC_TOKEN } : {}),
  });
  const print = (out: CommandOutput) =>
    console.log(values.json ? JSON.stringify(out.json, null, 2) : out.text(new Date()));
  try {
    print(
      await runCommand(client, positionals, values, {
        progress: (line) => console.error(line),
      }),
    );
    return 0;
  } catch (error) {
    if (error instanceof RunNotCompleted) {
      print({ json: error.run, text: (now) => runView(error.run, now) });
      console.error(`qmc: ${error.message}`);
      return 1;
    }
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    const unreachable = describeUnreachable(error, url, env.QMC_TIMEOUT_MS);
    if (unreachable) {
      console.error(`qmc: CONSOLE_UNREACHABLE: ${unreachable}`);
      return 1;
    }
    if (error instanceof TRPCClientError) {
      const data = error.data as { code?: string; domainCode?: string | null } | undefined;
      console.error(`qmc: ${data?.domainCode ?? data?.code ?? "ERROR"}: ${error.message}`);
      return 1;
    }
    console.error(`qmc: ERROR: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

main().then((code) => process.exit(code));
