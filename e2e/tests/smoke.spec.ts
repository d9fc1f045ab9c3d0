import { expect, test } from "@playwright/test";
import { signInBrowserAsAdmin } from "../console-support/browser.ts";

test("the console's address leads straight to the sign-in form, which shows every part of the system up", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page).toHaveTitle("Sign in · Queue Migration Console");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");
  await expect(page.getByLabel("Email")).toBeVisible();
  const status = page.getByRole("region", { name: "System status" });
  await expect(status.getByTestId("status-postgres")).toHaveText("up");
  await expect(status.getByTestId("status-redis")).toHaveText("up");
  // The worker started by the test harness reports through its heartbeat.
  await expect(async () => {
    await page.reload();
    expect(Number(await status.getByTestId("status-workers").textContent())).toBeGreaterThanOrEqual(1);
  }).toPass({ timeout: 10_000 });
});

test("the liveness probe answers without sign-in", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true, postgres: "up", redis: "up" });
});

test("signed in, the console's address leads to the overview", async ({ page }) => {
  await signInBrowserAsAdmin(page);
  await page.goto("/");
  await expect(page).toHaveURL(/\/overview$/);
});
