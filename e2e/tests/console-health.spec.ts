import { expect, test } from "@playwright/test";
import { asAdmin, mutate, query, type RolloutConfig, resetRollout } from "../console-support/api.ts";
import { signInBrowserAsAdmin } from "../console-support/browser.ts";
import { watchForProblems } from "../console-support/page-checks.ts";

// Issue 11, done when: the guard pauses the rollout under injected failures; Health and Rollout
// show why (the reason in words, the stored inputs); acknowledging with a reason lifts it. The e2e
// worker's guard evaluates every second (playwright.config.ts); an admin lowers the error-rate
// rule's minimum sample on the Health page so 20 orders are enough to decide.

const FAILING_ORDERS = 20;

test.beforeAll(async () => {
  await resetRollout("e2e: start the health spec from legacy only");
});

test.afterAll(async () => {
  const admin = await asAdmin();
  await mutate(admin, "guard.updateThreshold", {
    metric: "ERROR_RATE",
    minSample: 100,
    reason: "e2e: back to the seed's minimum sample",
  });
  await resetRollout();
});

test("the guard pauses the rollout under failures; Health and Rollout say why; acknowledging lifts it", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signInBrowserAsAdmin(page);
  const problems = await watchForProblems(page);

  // An admin edits the error-rate rule: 10 finished orders are enough to decide.
  await page.goto("/health");
  const thresholds = page.getByTestId("thresholds");
  await expect(thresholds.locator('tr[data-metric="ERROR_RATE"]').first()).toContainText("above 1 %");
  const editor = page.getByRole("form", { name: "Edit: Error rate of the new system" });
  await editor.getByLabel("Minimum sample").fill("10");
  await editor.getByLabel("Reason (kept in the audit log)").fill("e2e: decide on 10 orders");
  await editor.getByRole("button", { name: "Save the error rate of the new system rule" }).click();
  await expect(
    page.locator(".toast").filter({ hasText: "Error rate of the new system: saved" }),
  ).toBeVisible();
  await expect(thresholds.locator('tr[data-metric="ERROR_RATE"]').first()).toContainText("of at least 10");

  // Every new order goes to the new system, and every one of them fails for good.
  const admin = await asAdmin();
  await mutate(admin, "rollout.set", {
    useNewQueueSystem: true,
    newQueueRolloutPercent: 100,
    reason: "e2e: all new orders to the new system",
  });
  for (let i = 0; i < FAILING_ORDERS; i++) {
    await mutate(admin, "workOrders.submit", {
      kind: "synthetic",
      payload: { durationMs: 1, failureRate: 1, failureMode: "fatal" },
    });
  }

  // Rollout: paused, with the guard's reason in words and a link to the evidence.
  await page.goto("/rollout");
  const paused = page.getByRole("region", { name: /The health guard paused the rollout/ });
  await expect(paused).toBeVisible({ timeout: 30_000 });
  const evidence = paused.getByTestId("pause-evidence");
  await expect(evidence).toContainText(/\d+ failed of \d+ finished orders/);
  await evidence.getByRole("link", { name: "See the evidence on Health" }).click();

  // Health: the decision with its stored inputs, and the rule breached with the action taken.
  await expect(page).toHaveURL(/\/health\?decision=[0-9a-f-]{36}/);
  const decision = page.getByTestId("decision");
  await expect(decision).toContainText("Pause the rollout");
  await expect(decision).toContainText("Open");
  await expect(page.getByTestId("decision-explanation")).toContainText(/\d+ failed of \d+ finished orders/);
  const inputs = page.getByTestId("decision-inputs");
  await expect(inputs).toContainText("Measured failed");
  await expect(inputs).toContainText("Measured finished");
  await expect(inputs).toContainText(/of at least 10 finished orders/);
  await expect(inputs).toContainText("UTC to ");
  await expect(thresholds.locator('tr[data-metric="ERROR_RATE"]').first()).toContainText("Breached");
  await expect(thresholds.locator('tr[data-metric="ERROR_RATE"]').first()).toContainText(
    "Pause the rollout: see why",
  );
  await expect(page.getByTestId("alerts").getByRole("row").nth(1)).toContainText("Pause the rollout");
  await expect(page.getByTestId("workers")).toContainText("e2e-worker");

  // Acknowledge with a reason: the pause is lifted.
  const ack = decision.getByRole("form", { name: "Acknowledge this decision" });
  const button = ack.getByRole("button", { name: "Acknowledge and lift the pause" });
  await expect(button).toHaveAttribute("aria-disabled", "true");
  await ack
    .getByLabel("Why it is safe to go on (kept in the audit log)")
    .fill("e2e: injected failures, on purpose");
  await button.click();
  await expect(page.locator(".toast").filter({ hasText: "Pause acknowledged and lifted" })).toBeVisible();
  await expect(decision).toContainText("Acknowledged");
  await expect(decision).toContainText("e2e: injected failures, on purpose");
  expect((await query<RolloutConfig>(admin, "rollout.get")).paused).toBe(false);

  await page.goto("/rollout");
  await expect(page.getByRole("heading", { level: 1, name: "Rollout" })).toBeVisible();
  await expect(page.getByRole("region", { name: /The health guard paused the rollout/ })).toHaveCount(0);
  expect(problems).toEqual([]);
});
