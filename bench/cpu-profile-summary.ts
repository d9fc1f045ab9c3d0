// Summarises V8 CPU profiles (`node --cpu-prof`, or bench:http --cpu-prof <dir>) the way
// bench:profile does: self time by package and the functions that take the most, builtins
// billed to their JavaScript caller.
//
//   npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [more…] [--top 25]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { summarize } from "./lib/cpu-profile.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "25" } },
});

for (const file of positionals) {
  const { byOwner, byFunction } = summarize(JSON.parse(readFileSync(file, "utf8")));
  const total = [...byOwner.values()].reduce((a, b) => a + b, 0);
  console.log(`\n## ${file}: ${(total / 1000).toFixed(1)} s of CPU (idle excluded)\n`);
  console.log("| package | s | share |\n|---|---|---|");
  for (const [owner, ms] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`| ${owner} | ${(ms / 1000).toFixed(2)} | ${((100 * ms) / total).toFixed(1)} % |`);
  }
  console.log("\n| function | s | share |\n|---|---|---|");
  for (const [fn, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
    console.log(
      `| ${fn.replaceAll("|", "\\|")} | ${(ms / 1000).toFixed(2)} | ${((100 * ms) / total).toFixed(1)} % |`,
    );
  }
}
