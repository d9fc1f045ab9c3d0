// The README's configuration table against what the code reads: every variable an app, script,
// benchmark or test harness reads has a row naming who reads it, and every row is read by someone.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cliEnvShape } from "../apps/cli/src/env.ts";
import { webEnvShape } from "../apps/web/src/env.ts";
import { workerEnvShape } from "../apps/worker/src/env.ts";

const root = path.resolve(fileURLToPath(new URL("..", import.meta.url)));

/** Variables read by name that are not this product's configuration. */
const NOT_CONFIGURATION: Record<string, string> = {
  NODE_ENV: "set by Next itself (dev or production build)",
  PATH: "the operating system's; COMMAND_PATH is the product's",
  PWD: "the shell's working directory",
};

/** Scripts by the name the table's "used by" column gives them. */
const SCRIPT_USERS: Record<string, string> = {
  "start.ts": "start",
  "supervisor.ts": "start",
  "bootstrap-admin.ts": "start",
  "migrate.ts": "db:migrate",
  "ensure-chromium.ts": "e2e",
  "new-migration.sh": "db:new-migration",
  "test-integration-tz.sh": "tests",
};

/** Who a file belongs to, in the words of the table's "used by" column. */
function userOf(file: string): string {
  const [top = "", second = "", third = ""] = path.relative(root, file).split(path.sep);
  if (top === "apps") return second;
  if (top === "packages")
    return third === "src" && file.includes(`${path.sep}testing${path.sep}`) ? "tests" : second;
  if (top === "scripts") return SCRIPT_USERS[second] ?? `scripts/${second}`;
  return top; // e2e, bench
}

const SKIPPED_DIRS = new Set(["node_modules", ".next", "dist", "generated", ".turbo", "test-results"]);

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(".")) yield* sourceFiles(file);
    } else if (/\.(ts|tsx|mjs|js|sh)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      yield file;
    } else if (entry.name === "package.json") {
      yield file;
    }
  }
}

const SHELL_READ = /\$\{([A-Z][A-Z0-9_]*)|\$([A-Z][A-Z0-9_]*)/g;
const CODE_READ = /process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\])/g;

/**
 * The variables a file reads, with who reads them: `process.env.X` in code, `$X` / `${X}` in shell
 * scripts and package.json scripts (a package's script is "<package>:<script>", e.g. db:generate).
 */
function readsIn(file: string): Array<[name: string, user: string]> {
  const text = readFileSync(file, "utf8");
  const names = (source: string, pattern: RegExp) =>
    [...source.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? "");
  if (file.endsWith("package.json")) {
    const scripts = (JSON.parse(text) as { scripts?: Record<string, string> }).scripts ?? {};
    const owner = userOf(file);
    return Object.entries(scripts).flatMap(([script, command]) =>
      names(command, SHELL_READ).map((name): [string, string] => [
        name,
        file.includes(`${path.sep}packages${path.sep}`) ? `${owner}:${script}` : owner,
      ]),
    );
  }
  const pattern = file.endsWith(".sh") ? SHELL_READ : CODE_READ;
  return names(text, pattern).map((name) => [name, userOf(file)]);
}

/** Every variable the code reads, with who reads it. */
function variablesRead(): Map<string, Set<string>> {
  const read = new Map<string, Set<string>>();
  const add = (name: string, user: string) => {
    if (name in NOT_CONFIGURATION) return;
    read.set(name, (read.get(name) ?? new Set()).add(user));
  };
  for (const [user, shape] of [
    ["web", webEnvShape],
    ["worker", workerEnvShape],
    ["cli", cliEnvShape],
  ] as const) {
    for (const name of Object.keys(shape)) add(name, user);
  }
  for (const top of ["apps", "packages", "scripts", "e2e", "bench"]) {
    for (const file of sourceFiles(path.join(root, top))) {
      for (const [name, user] of readsIn(file)) add(name, user);
    }
  }
  return read;
}

/** The table under `## Configuration`: each variable with the "used by" cell of its row. */
function configurationTable(): Map<string, Set<string>> {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((s) => s.startsWith("Configuration\n")) ?? "";
  const rows = new Map<string, Set<string>>();
  for (const line of section.split("\n")) {
    if (!line.startsWith("|") || /^\|[\s:-]+\|/.test(line)) continue;
    const [names = "", usedBy = ""] = line.split("|").slice(1);
    const users = new Set(usedBy.split(",").map((u) => u.trim()));
    for (const match of names.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) rows.set(match[1] ?? "", users);
  }
  return rows;
}

describe("the README's configuration table", () => {
  const read = variablesRead();
  const table = configurationTable();

  it("finds the variables on both sides (the parsing itself works)", () => {
    expect(read.get("WORKER_SYSTEMS")).toEqual(new Set(["worker"]));
    expect(read.get("QMC_URL")).toEqual(new Set(["cli"]));
    expect(read.get("E2E_PORT")).toEqual(new Set(["e2e"]));
    expect(read.get("HOST")).toEqual(new Set(["web", "start"]));
    expect(table.size).toBeGreaterThan(30);
  });

  it("has a row for every variable an app, script, benchmark or test harness reads", () => {
    const missing = [...read]
      .filter(([name]) => !table.has(name))
      .map(([name, users]) => `${name} (read by ${[...users].sort().join(", ")})`);
    expect(missing, "add these rows to README.md ## Configuration").toEqual([]);
  });

  it("names every reader of each variable in its row's 'used by'", () => {
    const unnamed = [...read].flatMap(([name, users]) => {
      const row = table.get(name);
      const absent = row ? [...users].filter((user) => !row.has(user)) : [];
      return absent.length ? [`${name}: add ${absent.sort().join(", ")}`] : [];
    });
    expect(unnamed, "complete the 'used by' cells in README.md ## Configuration").toEqual([]);
  });

  it("has no row for a variable nothing reads", () => {
    const unread = [...table.keys()].filter((name) => !read.has(name));
    expect(unread, "remove these rows from README.md ## Configuration, or read them").toEqual([]);
  });
});
