import { expect, type Page, test } from "@playwright/test";
import { createUser, strongPassword, type TestUser } from "../console-support/api.ts";
import { signInBrowser } from "../console-support/browser.ts";

// Issue 14, items 1 and 5a: whatever `next` the sign-in link carries, the browser stays on the
// console, and a signed-in visit to such a link is a redirect on the console, never a 500.

const CONSOLE_ORIGIN = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100)}`;

/**
 * Sign-in links as an attacker would send them (the query exactly as it goes over the wire) and
 * the path the browser must end on. The percent-escapes are decoded once by the query string, so
 * `/%09/evil.example` reaches the page as "/<tab>/evil.example", which Chromium reads as
 * "//evil.example"; `%2509` reaches it as "/%09/…".
 */
const HOSTILE_NEXT: Array<[query: string, landsOn: string]> = [
  ["next=/%09/evil.example", "/overview"],
  ["next=/%0a/evil.example", "/overview"],
  ["next=/%0d/evil.example", "/overview"],
  ["next=%09//evil.example", "/overview"],
  ["next=/%2509/evil.example", "/overview"],
  ["next=/%5Cevil.example", "/overview"],
  ["next=%5C%5Cevil.example", "/overview"],
  ["next=//evil.example", "/overview"],
  ["next=/%252F/evil.example", "/overview"],
  ["next=/.//evil.example", "/overview"],
  ["next=javascript:alert(document.domain)", "/overview"],
  ["next=data:text/html,%3Ch1%3Eoutside%3C/h1%3E", "/overview"],
  ["next=https://evil.example/overview", "/overview"],
  ["next=//127.0.0.1@evil.example/", "/overview"],
  [`next=/work-orders?q=${"a".repeat(5000)}`, "/overview"],
  // Odd but on the console: the browser stays here (on a "not found" page).
  ["next=/@evil.example", "/@evil.example"],
  ["next=/%C3%BCberblick", "/%C3%BCberblick"],
  // A real page with its filters and fragment comes back intact.
  ["next=%2Fwork-orders%3Fstate%3DFAILED%26x%3D1%23frag", "/work-orders?state=FAILED&x=1#frag"],
];

/** Any page load outside the console is answered here, so a redirect out is seen, not attempted. */
async function fenceOffOtherOrigins(page: Page): Promise<string[]> {
  const leftFor: string[] = [];
  await page.context().route(
    (url) => url.origin !== CONSOLE_ORIGIN,
    (route) => {
      leftFor.push(route.request().url());
      return route.fulfill({ status: 200, contentType: "text/html", body: "<h1>Outside the console</h1>" });
    },
  );
  return leftFor;
}

async function fillSignIn(page: Page, user: Pick<TestUser, "email" | "password">) {
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

let viewer: TestUser;
test.beforeAll(async () => {
  viewer = await createUser("VIEWER", { label: "redirect" });
});

for (const [query, landsOn] of HOSTILE_NEXT) {
  test(`signing in from /sign-in?${query.slice(0, 60)} ends on ${landsOn}`, async ({ page }) => {
    const leftFor = await fenceOffOtherOrigins(page);
    await page.goto(`/sign-in?${query}`);
    await fillSignIn(page, viewer);
    await expect(page).toHaveURL(`${CONSOLE_ORIGIN}${landsOn}`);
    if (landsOn === "/overview") {
      await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
    }
    expect(leftFor).toEqual([]);
  });
}

test("a first sign-in with a hostile next changes the password, then stays on the console", async ({
  page,
}) => {
  const fresh = await createUser("OPERATOR", { mustChangePassword: true, label: "redirect-first" });
  const leftFor = await fenceOffOtherOrigins(page);
  await page.goto("/sign-in?next=/%09/evil.example");
  await fillSignIn(page, fresh);
  await expect(page).toHaveURL(`${CONSOLE_ORIGIN}/change-password?next=%2Foverview`);
  const chosen = strongPassword();
  await page.getByLabel("Current password").fill(fresh.password);
  await page.getByLabel("New password", { exact: true }).fill(chosen);
  await page.getByLabel("New password again").fill(chosen);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(`${CONSOLE_ORIGIN}/overview`);
  expect(leftFor).toEqual([]);
});

/** `next` values that Node refuses in a `Location` header as they are: CR/LF and non-Latin-1. */
const HEADER_BREAKING_NEXT = [
  "/rollout%0d%0aSet-Cookie:%20qmc_injected=1",
  "/%0a",
  "/%0d",
  "/%C3%BCberblick",
  "/work-orders?q=%E2%82%AC",
  "/%F0%9F%9A%80",
];

for (const next of HEADER_BREAKING_NEXT) {
  test(`a signed-in visit to /sign-in?next=${next} redirects within the console`, async ({ page }) => {
    await signInBrowser(page, viewer);
    const response = await page.request.get(`/sign-in?next=${next}`, { maxRedirects: 0 });
    const status = response.status();
    expect(status, await response.text()).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(400);
    const location = response.headers().location;
    if (status >= 300) {
      expect(location).toBeTruthy();
      expect(new URL(location ?? "", CONSOLE_ORIGIN).origin).toBe(CONSOLE_ORIGIN);
    }
    expect(response.headers()["set-cookie"] ?? "").not.toContain("qmc_injected");

    // And in the browser: it ends on a page of the console.
    const leftFor = await fenceOffOtherOrigins(page);
    const visit = await page.goto(`/sign-in?next=${next}`);
    expect(visit?.status()).not.toBe(500);
    expect(new URL(page.url()).origin).toBe(CONSOLE_ORIGIN);
    expect(new URL(page.url()).pathname).not.toBe("/sign-in");
    expect(leftFor).toEqual([]);
  });
}
