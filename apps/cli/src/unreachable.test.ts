import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runQmc } from "./testing/run-qmc.ts";

/** A real HTTP server on 127.0.0.1 that is not the console: a 404 page, or never an answer. */
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith("/hang")) return; // holds the request open: the CLI must give up
    res.writeHead(404, { "content-type": "text/html" }).end("<html><body>Not found</body></html>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const status = (url: string, env: Record<string, string> = {}) =>
  runQmc(["status"], { QMC_URL: url, QMC_TOKEN: "qmc_test", ...env });

describe("qmc when the console cannot be reached", () => {
  it("says nothing is listening at the URL when the connection is refused", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/trpc`;
    const result = await status(url);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `qmc: CONSOLE_UNREACHABLE: nothing is listening at ${url} (connection refused). Is the console running? Set QMC_URL to its address.`,
    );
  }, 30_000);

  it("says the host does not resolve", async () => {
    const result = await status("http://nonexistent.invalid/api/trpc");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^qmc: CONSOLE_UNREACHABLE: the host nonexistent\.invalid of http:\/\/nonexistent\.invalid\/api\/trpc (does not resolve|could not be resolved)/,
    );
    expect(result.stderr).toMatch(/QMC_URL|DNS/);
  }, 30_000);

  it("gives up after QMC_TIMEOUT_MS when the address never answers", async () => {
    const started = Date.now();
    const result = await status(`${base}/hang`, { QMC_TIMEOUT_MS: "500" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `qmc: CONSOLE_UNREACHABLE: ${base}/hang did not answer within 0.5 s (timeout). Is the console overloaded, or is a firewall dropping the connection? QMC_TIMEOUT_MS sets how long to wait.`,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it("says an address that answers with a web page is not the console's API", async () => {
    const result = await status(`${base}/`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^qmc: CONSOLE_UNREACHABLE: ${base}/ answered HTTP 404 \\(text/html\\), which is not the console's API\\. Set QMC_URL`,
      ),
    );
  }, 30_000);

  it("says the server does not speak TLS when https:// points at a plain HTTP port", async () => {
    const url = `${base.replace("http:", "https:")}/api/trpc`;
    const result = await status(url);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      `qmc: CONSOLE_UNREACHABLE: the TLS handshake with ${url} failed: the server does not speak TLS there`,
    );
  }, 30_000);

  it("refuses a QMC_URL that is not an http(s) URL before calling anything (exit 2)", async () => {
    const result = await status("127.0.0.1:3000");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^qmc: INVALID_ENVIRONMENT: Invalid environment variables:\n {2}- QMC_URL: /,
    );
  }, 30_000);
});
