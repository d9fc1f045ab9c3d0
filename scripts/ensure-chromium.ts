// Run by `npm run test:e2e` (and so by `npm test` and .ci/run): the e2e tests drive Debian's
// Chromium, never Playwright's own download (unreachable offline). Installs it with apt-get
// when it is missing and we are root; otherwise says which command to run.
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

const DEBIAN_CHROMIUM = "/usr/bin/chromium";
const browser = process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM;

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
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
  if (executable(browser)) return;
  if (browser !== DEBIAN_CHROMIUM) {
    fail(`CHROMIUM_PATH=${browser} is not an executable file; point it at a Chromium or unset it.`);
  }
  if (process.getuid?.() !== 0 || !hasAptGet()) {
    fail(
      `${DEBIAN_CHROMIUM} is missing; install Debian's Chromium with \`sudo apt-get install -y chromium\` ` +
        "(or set CHROMIUM_PATH to another Chromium), then run the tests again.",
    );
  }
  console.log(
    `e2e: ${DEBIAN_CHROMIUM} is missing; installing Debian's chromium with apt-get (a minute or two)…`,
  );
  // apt's progress is long and says nothing useful here; its errors still show.
  const options = {
    stdio: ["ignore", "ignore", "inherit"] as ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  };
  execFileSync("apt-get", ["update", "-qq"], options);
  execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], options);
  console.log(`e2e: installed ${execFileSync(DEBIAN_CHROMIUM, ["--version"]).toString().trim()}`);
  if (!executable(DEBIAN_CHROMIUM))
    fail(`apt-get installed chromium but ${DEBIAN_CHROMIUM} is still missing.`);
}

function fail(message: string): never {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

try {
  main();
} catch (error) {
  fail(`could not install chromium: ${(error as Error).message}`);
}
