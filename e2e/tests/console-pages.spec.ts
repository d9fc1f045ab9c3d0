import { expect, test } from "@playwright/test";
import { mutate } from "../console-support/api.ts";
import { signInBrowserAsAdmin } from "../console-support/browser.ts";
import {
  expectAccessible,
  expectNoHorizontalScroll,
  saveScreenshot,
  watchForProblems,
} from "../console-support/page-checks.ts";

// Every console page, as an admin (who sees every control): it renders on the server with its
// data, passes axe with no serious or critical violation, fits a 1366×768 screen, logs no error
// or warning, and leaves a full-page 1440×900 screenshot in e2e/artifacts/screenshots/.

const PAGES = [
  { path: "/overview", heading: "Overview", name: "overview" },
  { path: "/rollout", heading: "Rollout", name: "rollout" },
  { path: "/users", heading: "Users and tokens", name: "users" },
  { path: "/migration", heading: "Migration", name: "migration" },
  { path: "/comparison", heading: "Comparison", name: "comparison" },
  { path: "/health", heading: "Health", name: "health" },
  { path: "/work-orders", heading: "Work orders", name: "work-orders" },
  { path: "/audit", heading: "Audit log", name: "audit-log" },
];

test("the sign-in page is accessible, fits a laptop screen and logs nothing", async ({ page }, testInfo) => {
  const problems = await watchForProblems(page);
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expectAccessible(page, "sign-in");
  await expectNoHorizontalScroll(page);
  await saveScreenshot(page, testInfo, "sign-in");
  expect(problems).toEqual([]);
});

for (const target of PAGES) {
  test(`${target.path}: server-rendered, accessible, fits 1366×768, no console error`, async ({
    page,
  }, testInfo) => {
    await signInBrowserAsAdmin(page);
    const problems = await watchForProblems(page);
    // The first paint already holds the page's data: the HTML the server sent has the heading and
    // the live routing summary, before any script ran.
    const response = await page.request.get(target.path);
    const html = await response.text();
    expect(html).toContain(`>${target.heading}</h1>`);
    expect(html).toContain('data-testid="routing-summary"');

    await page.goto(target.path);
    await expect(page.getByRole("heading", { level: 1, name: target.heading })).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Console" });
    await expect(
      nav.getByRole("link", { name: target.heading.replace(" and tokens", ""), exact: true }),
    ).toHaveAttribute("aria-current", "page");
    await expect(page.getByText(/Loading /)).toHaveCount(0);
    await expectAccessible(page, target.path);
    await expectNoHorizontalScroll(page);
    await saveScreenshot(page, testInfo, target.name);
    // A few live refreshes later, still nothing logged.
    await page.waitForTimeout(2_500);
    expect(problems).toEqual([]);
  });
}

test("/work-orders/:id: server-rendered, accessible, fits 1366×768, no console error", async ({
  page,
}, testInfo) => {
  await signInBrowserAsAdmin(page);
  const order = await mutate<{ id: string }>(page.context().request, "workOrders.submit", {
    kind: "synthetic",
    payload: { durationMs: 10, outputBytes: 2_000 },
  });
  const problems = await watchForProblems(page);
  const html = await (await page.request.get(`/work-orders/${order.id}`)).text();
  expect(html).toContain(">Work order</h1>");
  expect(html).toContain(order.id);
  await page.goto(`/work-orders/${order.id}`);
  await expect(page.getByTestId("order-state")).toHaveText("COMPLETED", { timeout: 20_000 });
  await expect(
    page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Work orders", exact: true }),
  ).toHaveAttribute("aria-current", "page");
  await expectAccessible(page, "/work-orders/:id");
  await expectNoHorizontalScroll(page);
  await saveScreenshot(page, testInfo, "work-order-detail");
  await page.waitForTimeout(2_500);
  expect(problems).toEqual([]);
});
