/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser)
import { expect, type Page, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config.ts";

// Issue 9, item 8: a strict CSP with a per-request nonce on pages, frame protection, nosniff and
// a Referrer-Policy on every response, and the console still working under them in Chromium.

const EVERY_RESPONSE = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
};

/** Every console error and every CSP violation the page reports, from before its first script. */
async function watchForProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.exposeFunction("reportCspViolation", (text: string) => problems.push(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
      report(`${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`);
    });
  });
  return problems;
}

function directives(policy: string | undefined): Map<string, string> {
  const entries = (policy ?? "").split(";").map((part) => part.trim().split(/\s+/));
  return new Map(entries.map(([name = "", ...values]) => [name, values.join(" ")]));
}

test("the console renders and runs its scripts under a strict nonce CSP, with no violation", async ({
  page,
}) => {
  const problems = await watchForProblems(page);
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  const headers = response?.headers() ?? {};
  expect(headers).toMatchObject(EVERY_RESPONSE);
  const csp = directives(headers["content-security-policy"]);
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp.get("script-src") ?? "")?.[1];
  expect(nonce).toBeTruthy();
  expect(csp.get("script-src")).toBe(`'self' 'nonce-${nonce}' 'strict-dynamic'`);
  expect(csp.get("style-src")).toBe(`'self' 'nonce-${nonce}'`);
  expect(csp.get("default-src")).toBe("'self'");
  expect(csp.get("object-src")).toBe("'none'");
  expect(csp.get("base-uri")).toBe("'self'");
  expect(csp.get("form-action")).toBe("'self'");
  expect(csp.get("frame-ancestors")).toBe("'none'");

  await expect(page.getByRole("heading", { name: "Sign in", level: 1 })).toBeVisible();
  await expect(page.getByTestId("status-postgres")).toHaveText("up");
  // Next's own scripts ran (they carry the nonce): its client runtime announced itself.
  await expect
    .poll(() => page.evaluate(() => Boolean((window as { next?: { version?: string } }).next?.version)))
    .toBe(true);
  const nonced = await page
    .locator("script[src]")
    .evaluateAll((scripts) => scripts.map((script) => (script as HTMLScriptElement).nonce));
  expect(nonced.length).toBeGreaterThan(0);
  expect(nonced.every((value) => value === nonce)).toBe(true);
  expect(problems).toEqual([]);

  // The next request gets a fresh nonce.
  const again = await page.goto("/");
  expect(again?.headers()["content-security-policy"]).not.toContain(`'nonce-${nonce}'`);
  expect(problems).toEqual([]);
});

test("the policy is enforced: injected markup cannot run script", async ({ page }) => {
  const problems = await watchForProblems(page);
  await page.goto("/");
  await page.evaluate(() => {
    document.body.insertAdjacentHTML(
      "beforeend",
      `<img src="/no-such-image.png" onerror="window.injected = true" alt="">`,
    );
  });
  await expect.poll(() => problems.some((p) => p.startsWith("CSP violation: script-src"))).toBe(true);
  expect(await page.evaluate(() => (window as { injected?: boolean }).injected)).toBeUndefined();
});

test("a page that does not exist is served under the same policy, with no violation", async ({ page }) => {
  const problems = await watchForProblems(page);
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  expect(response?.headers()).toMatchObject(EVERY_RESPONSE);
  expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  await expect.poll(() => page.evaluate(() => Boolean((window as { next?: unknown }).next))).toBe(true);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  // The 404 response itself is the one console error Chromium logs here.
  expect(problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
});

test("the console cannot be framed by another page", async ({ page, baseURL }) => {
  const refusals: string[] = [];
  page.on("console", (message) => {
    if (/frame-ancestors|X-Frame-Options/.test(message.text())) refusals.push(message.text());
  });
  await page.setContent(`<iframe src="${baseURL}/" width="400" height="300"></iframe>`);
  await expect.poll(() => refusals.length).toBeGreaterThan(0);
  const framed = page.frameLocator("iframe").getByRole("heading", { name: "Queue Migration Console" });
  await expect(framed).toHaveCount(0);
});

test("API responses carry a deny-all policy and the same headers", async ({ request }) => {
  for (const path of ["/api/health", "/api/trpc/rollout.get"]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(path === "/api/health" ? 200 : 401);
    expect(response.headers(), path).toMatchObject({
      ...EVERY_RESPONSE,
      "content-security-policy":
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    });
  }
});

test("the console's own mutations still pass the API's origin check under these headers", async ({
  page,
}) => {
  await page.goto("/");
  const status = await page.evaluate(
    async ({ email, password }) => {
      const response = await fetch("/api/trpc/auth.signIn", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { email, password } }),
      });
      return response.status;
    },
    { email: E2E_ADMIN.ADMIN_EMAIL, password: E2E_ADMIN.ADMIN_PASSWORD },
  );
  expect(status).toBe(200);
});
