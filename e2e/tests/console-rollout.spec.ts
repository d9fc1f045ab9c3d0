/// <reference lib="dom" />
import { expect, test } from "@playwright/test";
import {
  asAdmin,
  createUser,
  mutate,
  query,
  type RolloutConfig,
  resetRollout,
} from "../console-support/api.ts";
import { signInBrowser } from "../console-support/browser.ts";
import { watchForProblems } from "../console-support/page-checks.ts";

// Issue 11, done when: an operator moves the slider to 10 % with a reason and the value, the
// preview and the history entry show it; a rollback turns the switch off and the next order lands
// in legacy; a stored <script> in a reason shows as text; a conflicting change is a sentence.

test.afterEach(async () => {
  await resetRollout();
});

test.beforeAll(async () => {
  // Recent orders, so the preview has something to re-route.
  const admin = await asAdmin();
  await resetRollout("e2e: start the rollout specs from legacy only");
  for (let i = 0; i < 30; i++)
    await mutate(admin, "workOrders.submit", { kind: "synthetic", payload: { durationMs: 1 } });
});

test("an operator routes 10 % to the new system with a reason, then rolls back", async ({ page }) => {
  const operator = await createUser("OPERATOR");
  await signInBrowser(page, operator);
  const problems = await watchForProblems(page);
  await page.goto("/rollout");

  const form = page.getByRole("form", { name: "Change the rollout" });
  await form.getByRole("switch", { name: /New queue system/ }).check();
  // The slider, by keyboard: Page Up is 10 %.
  const slider = form.getByRole("slider");
  await slider.focus();
  await page.keyboard.press("PageUp");
  await expect(slider).toHaveAttribute("aria-valuenow", "10");
  await expect(form.getByLabel("Exact percent (0.01 steps)")).toHaveValue("10");
  // The preview counts the recent orders that would go to the new system.
  await expect(page.getByTestId("route-preview")).toContainText(
    /Of the last \d+ orders, \d+ would change route/,
  );

  const apply = form.getByRole("button", { name: "Apply: Switch the new system on, route 10 % to new" });
  await expect(apply).toHaveAttribute("aria-disabled", "true"); // no reason yet
  await form.getByLabel("Reason (kept in the audit log)").fill("canary: 10 % after a clean shadow week");
  await apply.click();
  await expect(page.locator(".toast").filter({ hasText: /Rollout v\d+ applied/ })).toBeVisible();
  await expect(page.getByTestId("live-percent")).toHaveText("10 %");
  await expect(page.getByTestId("routing-summary")).toContainText("10 %");
  const history = page.getByTestId("config-history");
  const newest = history.getByRole("row").nth(1);
  await expect(newest).toContainText(operator.email);
  await expect(newest).toContainText("canary: 10 % after a clean shadow week");
  await expect(newest).toContainText("Percent: 0 % → 10 %");
  await expect(newest).toContainText("New system: off → on");

  // Roll back: the dialog says what will happen and needs a reason.
  await page.getByRole("button", { name: "Roll back to legacy" }).click();
  const dialog = page.getByRole("dialog", { name: "Roll back to legacy?" });
  await expect(dialog).toContainText("new system on · 10 % · shadow off");
  await expect(dialog).toContainText("every new order goes to the legacy queue");
  // Like a release tool's abort: the percent goes back to 0 with the switch, and the dialog says so.
  await expect(dialog).toContainText("the percent from 10 % to 0 %");
  await expect(dialog).toContainText("Switching the new system on again starts at 0 %");
  await dialog.getByLabel("Reason (kept in the audit log)").fill("p99 doubled after the step");
  await dialog.getByRole("button", { name: "Roll back to legacy now" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator(".toast").filter({ hasText: /Rolled back \(v\d+\)/ })).toBeVisible();
  await expect(page.getByTestId("live-rollout")).toContainText("Off");
  await expect(page.getByTestId("routing-summary")).toContainText("New system off");
  await expect(page.getByTestId("routing-summary")).toContainText("0 % to new");
  await expect(page.getByTestId("live-percent")).toHaveText("0 %");
  // Switching on again says where it lands.
  await form.getByRole("switch", { name: /New queue system/ }).check();
  await expect(form.getByRole("button", { name: "Apply: Switch the new system on at 0 %" })).toBeVisible();

  const next = await mutate<{ system: string }>(page.context().request, "workOrders.submit", {
    kind: "synthetic",
    payload: { durationMs: 1 },
  });
  expect(next.system).toBe("LEGACY");
  expect(problems).toEqual([]);
});

test("a change made elsewhere shows within 2 s, and applying over it says what happened", async ({
  page,
}) => {
  const operator = await createUser("OPERATOR");
  await signInBrowser(page, operator);
  await page.goto("/rollout");
  const form = page.getByRole("form", { name: "Change the rollout" });
  await form.getByLabel("Exact percent (0.01 steps)").fill("12.34");
  await expect(form.getByRole("slider")).toHaveAttribute("aria-valuenow", "12.34");
  await form.getByLabel("Reason (kept in the audit log)").fill("step to 12.34 %");

  // Meanwhile an admin changes the rollout through the API.
  const admin = await asAdmin();
  const changed = await mutate<RolloutConfig>(admin, "rollout.set", {
    useNewQueueSystem: true,
    newQueueRolloutPercent: 20,
    reason: "someone else, elsewhere",
  });
  const changedAt = Date.now();
  // Live without reload: the top bar follows within the 1.5 s refresh plus one request (the
  // assertion leaves a margin for a loaded CI machine; the measured delay is reported).
  await expect(page.getByTestId("routing-summary")).toContainText("20 %", { timeout: 3_500 });
  const shownAfterMs = Date.now() - changedAt;
  test
    .info()
    .annotations.push({ type: "live refresh", description: `a change showed after ${shownAfterMs} ms` });
  console.log(`live refresh: the rollout change showed in the top bar after ${shownAfterMs} ms`);
  await expect(page.getByText(`The live rollout changed to v${changed.version}`)).toBeVisible();

  await form.getByRole("button", { name: /^Apply/ }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "Someone changed the rollout a moment ago" }),
  ).toHaveText(
    `✕ Someone changed the rollout a moment ago (now v${changed.version}: 20 %). Review and apply again.`,
  );
  expect((await query<RolloutConfig>(admin, "rollout.get")).newQueueRolloutPercent).toBe(20);
});

test("a reason holding a <script> is shown as text and never runs", async ({ page }) => {
  const operator = await createUser("OPERATOR");
  const hostile = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;
  await mutate(await asAdmin(), "rollout.set", { shadowMode: true, reason: hostile });
  await signInBrowser(page, operator);
  const problems = await watchForProblems(page);
  await page.goto("/rollout");
  await expect(page.getByTestId("config-history").getByRole("row").nth(1)).toContainText(hostile);
  await expect(page.getByTestId("live-rollout").locator("..")).toContainText(hostile);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator("img[src=x]").count()).toBe(0);
  expect(problems).toEqual([]);
});
