import { expect, test } from "@playwright/test";

test("the landing page loads and shows every part of the system up", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("Queue Migration Console");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Queue Migration Console");
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
