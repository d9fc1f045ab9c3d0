import { expect, type Page, test } from "@playwright/test";
import { asAdmin, createUser, mutate, resetRollout } from "../console-support/api.ts";
import { signInBrowser } from "../console-support/browser.ts";
import { watchForProblems } from "../console-support/page-checks.ts";

// Issue 11, work orders: an operator submits synthetic orders from the form (the kind's zod schema
// checks the payload first, errors next to the field) and watches them reach COMPLETED on the
// list; the detail page shows the timeline of both systems, attempts and output; filters live in
// the URL and the back button restores them.

test.afterAll(async () => {
  await resetRollout("e2e: work-orders spec done");
});

/** Submits the form and returns the new order's id, read from the result toast. */
async function submitFromForm(page: Page, system: "legacy" | "the new system"): Promise<string> {
  await page.getByRole("button", { name: "Submit synthetic order" }).click();
  const toast = page
    .locator(".toast")
    .filter({ hasText: `Order submitted to ${system}` })
    .last();
  await expect(toast).toBeVisible();
  const id = ((await toast.locator(".toast-text").textContent()) ?? "").trim().split(" ")[0] ?? "";
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  await toast.getByRole("button", { name: "Dismiss" }).click();
  return id;
}

/** The "orders finished in this window" number of a system on the Migration page. */
async function finishedOnMigrationPage(page: Page, system: "legacy" | "new"): Promise<number> {
  await page.goto("/migration");
  const text = (await page.getByTestId(`orders-finished-${system}`).textContent()) ?? "";
  return Number(text.replace(/[^0-9]/g, ""));
}

test("an operator submits synthetic orders from the form and watches them reach COMPLETED", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const operator = await createUser("OPERATOR");
  await signInBrowser(page, operator);
  const problems = await watchForProblems(page);
  // What Migration progress counts before: the e2e database is shared by the whole run.
  const newFinishedBefore = await finishedOnMigrationPage(page, "new");
  await page.goto("/work-orders");

  // The kind's schema refuses a bad payload before anything is sent, next to the field.
  const payload = page.getByLabel("Payload (JSON)");
  await payload.fill('{ "durationMs": -5, "colour": "red" }');
  await page.getByRole("button", { name: "Submit synthetic order" }).click();
  const errors = page.getByTestId("payload-errors");
  await expect(errors).toContainText("durationMs");
  await expect(payload).toHaveAttribute("aria-invalid", "true");
  await payload.fill("{ not json");
  await page.getByRole("button", { name: "Submit synthetic order" }).click();
  await expect(errors).toContainText("Not valid JSON");

  // Legacy (the switch is off): the list shows the legacy status beside its mapped state.
  await payload.fill('{ "durationMs": 100, "outputBytes": 64 }');
  const legacyId = await submitFromForm(page, "legacy");

  // Then the new system takes every order.
  await mutate(await asAdmin(), "rollout.set", {
    useNewQueueSystem: true,
    shadowMode: false,
    newQueueRolloutPercent: 100,
    reason: "e2e: work orders to the new system",
  });
  // Every process reads the new config within 2 s.
  await page.waitForTimeout(2_500);
  const newIds = [await submitFromForm(page, "the new system"), await submitFromForm(page, "the new system")];

  for (const id of newIds) {
    await expect(page.locator(`tr[data-order-id="${id}"]`)).toContainText("COMPLETED", { timeout: 30_000 });
  }

  // Their counts move on Migration progress (rollups flushed every second in the e2e worker).
  await expect
    .poll(() => finishedOnMigrationPage(page, "new"), { timeout: 20_000, intervals: [1_000] })
    .toBeGreaterThanOrEqual(newFinishedBefore + 2);
  await page.goto("/work-orders");

  // Filters are in the URL; back restores them.
  await page.getByLabel("State").selectOption("COMPLETED");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/state=COMPLETED/);
  await page.getByLabel("System").selectOption("LEGACY");
  await expect(page).toHaveURL(/system=LEGACY/);
  await expect(page.locator(`tr[data-order-id="${legacyId}"]`)).toContainText("completed → COMPLETED", {
    timeout: 30_000,
  });
  await page.goBack();
  await expect(page).toHaveURL(/state=COMPLETED/);
  await expect(page.getByLabel("System")).toHaveValue("NEW");
  await expect(page.locator(`tr[data-order-id="${newIds[0]}"]`)).toBeVisible();

  // The detail page: timeline, attempts, output.
  await page.goto(`/work-orders/${newIds[0]}`);
  await expect(page.getByTestId("order-state")).toHaveText("COMPLETED");
  await expect(page.getByTestId("timeline")).toContainText("COMPLETE");
  await expect(page.getByRole("heading", { name: "Attempts" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Output" })).toContainText("synthetic output of");
  await page.goto(`/work-orders/${legacyId}`);
  await expect(page.getByTestId("timeline")).toContainText("running → completed");
  expect(problems).toEqual([]);
});

test("an operator cancels a waiting order from its detail page", async ({ page }) => {
  const operator = await createUser("OPERATOR");
  await signInBrowser(page, operator);
  const admin = await asAdmin();
  await mutate(admin, "rollout.set", {
    useNewQueueSystem: true,
    shadowMode: false,
    newQueueRolloutPercent: 100,
    reason: "e2e: cancel in the new system",
  });
  await page.waitForTimeout(2_500);
  const order = await mutate<{ id: string; system: string }>(page.context().request, "workOrders.submit", {
    kind: "synthetic",
    payload: { durationMs: 20_000 },
  });
  expect(order.system).toBe("NEW");
  await page.goto(`/work-orders/${order.id}`);
  await page.getByRole("button", { name: "Cancel this order" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel the order" }).click();
  await expect(page.locator(".toast").filter({ hasText: /Order cancelled|Cancel requested/ })).toBeVisible();
  await expect(page.getByTestId("order-state")).toHaveText("CANCELLED", { timeout: 20_000 });
  await expect(page.getByRole("button", { name: "Cancel this order" })).toHaveCount(0);
});
