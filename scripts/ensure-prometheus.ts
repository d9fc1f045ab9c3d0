// Run by `npm run test:integration` (and so by `npm test` and .ci/run): the metrics tests check a
// real scrape with `promtool` and scrape the web app and a worker with a real `prometheus`.
// Installs Debian's `prometheus` package (both binaries) with apt-get when one is missing and we
// are root; otherwise says which command to run.
import { execFileSync } from "node:child_process";

const BINARIES = ["prometheus", "promtool"] as const;

function version(binary: string): string | null {
  try {
    return (
      execFileSync(binary, ["--version"], { stdio: ["ignore", "pipe", "pipe"] })
        .toString()
        .split("\n")[0]
        ?.trim() ?? binary
    );
  } catch {
    return null;
  }
}

function hasAptGet(): boolean {
  try {
    execFileSync("apt-get", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function main(): void {
  const missing = BINARIES.filter((binary) => version(binary) === null);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !hasAptGet()) {
    fail(
      `${missing.join(" and ")} not found on PATH; install Debian's Prometheus with ` +
        "`sudo apt-get install -y prometheus` (it brings prometheus and promtool), then run the tests again.",
    );
  }
  console.log(
    `metrics tests: ${missing.join(" and ")} missing; installing Debian's prometheus with apt-get…`,
  );
  // apt's progress is long and says nothing useful here; its errors still show.
  const options = {
    stdio: ["ignore", "ignore", "inherit"] as ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  };
  execFileSync("apt-get", ["update", "-qq"], options);
  // The package tries no service start in a container; --no-install-recommends skips the
  // node exporter and friends, which the tests do not use.
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "prometheus"], options);
  for (const binary of BINARIES) {
    const installed = version(binary);
    if (installed === null) fail(`apt-get installed prometheus but ${binary} is still not on PATH.`);
    console.log(`metrics tests: installed ${installed}`);
  }
}

function fail(message: string): never {
  console.error(`metrics tests: ${message}`);
  process.exit(1);
}

try {
  main();
} catch (error) {
  fail(`could not install prometheus: ${(error as Error).message}`);
}
