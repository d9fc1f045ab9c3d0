import { expect, test } from "@playwright/test";
import { asAdmin, createUser, mutate, resetRollout } from "../console-support/api.ts";
import { signInBrowser, signInBrowserAsAdmin } from "../console-support/browser.ts";
import { watchForProblems } from "../console-support/page-checks.ts";

// Issue 11, done when: an in-flight migration dry run (counts by legacy status), then the run
// with its progress bar, fed by the worker's background run, reaching 100 %; retirement shows each
// precondition met or not met.

const LEGACY_ORDERS = 30;

test.beforeAll(async () => {
  // Switch off: every order goes to legacy, whose 8 slots take the first ones for 20 s; the rest
  // wait, queued, for the migration to move them.
  const admin = await asAdmin();
  await resetRollout("e2e: start the migration spec from legacy only");
  for (let i = 0; i < LEGACY_ORDERS; i++) {
    await mutate(admin, "workOrders.submit", { kind: "synthetic", payload: { durationMs: 20_000 } });
  }
});

test.afterAll(async () => {
  await resetRollout();
});

test("an operator dry-runs the in-flight migration, then runs it to 100 %", async ({ page }) => {
  test.setTimeout(90_000);
  const operator = await createUser("OPERATOR");
  await signInBrowser(page, operator);
  const problems = await watchForProblems(page);
  await page.goto("/migration");
  await expect(page.getByRole("heading", { level: 1, name: "Migration" })).toBeVisible();

  // The counts by legacy status: the queued ones would move.
  const plan = page.getByTestId("migration-plan");
  await expect(plan.getByRole("row", { name: /^queued/ })).toBeVisible();
  await expect(page.getByTestId("migration-to-move")).toContainText(/[1-9]\d* queued orders would move now/);

  // No real run before a dry run.
  const move = page.getByRole("button", { name: /^Move \d+ queued orders to the new system$/ });
  await expect(move).toHaveAttribute("aria-disabled", "true");
  const dry = page.getByRole("form", { name: "Dry run of the in-flight migration" });
  await dry.getByLabel("Reason (kept in the audit log)").fill("e2e: phase 3, count first");
  await dry.getByRole("button", { name: "Dry run: count what would move" }).click();
  await expect(page.locator(".toast").filter({ hasText: "Dry run recorded" })).toBeVisible();
  await expect(page.getByTestId("latest-dry-run")).toContainText(`by ${operator.email}`);

  // The run: confirm with a reason, then the bar fills as the worker moves them.
  await expect(move).not.toHaveAttribute("aria-disabled", "true");
  await move.click();
  const dialog = page.getByRole("dialog", { name: "Move the queued legacy orders?" });
  await dialog.getByLabel("Reason (kept in the audit log)").fill("e2e: phase 3, move them");
  await dialog.getByRole("button", { name: /^Move \d+ orders$/ }).click();
  await expect(page.locator(".toast").filter({ hasText: "Migration started" })).toBeVisible();
  const progress = page.getByTestId("migration-progress");
  await expect(progress).toContainText("Completed", { timeout: 30_000 });
  await expect(page.getByTestId("migration-progress-text")).toContainText("100 %");
  await expect(page.getByTestId("migration-progress-text")).toContainText(/[1-9]\d* moved/);
  await expect(progress.getByRole("progressbar", { name: "In-flight migration progress" })).toHaveAttribute(
    "value",
    "100",
  );
  await expect(page.getByTestId("migration-to-move")).toContainText("0 queued orders would move now");

  // Retirement: the switch is off, so that precondition is not met; operators cannot retire.
  const preconditions = page.getByTestId("retirement-preconditions");
  await expect(preconditions.getByRole("listitem").first()).toContainText("Not met");
  await expect(preconditions.getByRole("listitem").first()).toContainText("switch off");
  await expect(page.getByRole("button", { name: "Retire legacy" })).toHaveCount(0);
  expect(problems).toEqual([]);
});

test("an admin sees why legacy cannot be retired yet, on the disabled button", async ({ page }) => {
  await signInBrowserAsAdmin(page);
  await page.goto("/migration");
  const retire = page.getByRole("button", { name: "Retire legacy" });
  await expect(retire).toHaveAttribute("aria-disabled", "true");
  await expect(retire).toHaveAttribute("title", /.+/);
  await expect(page.getByTestId("retirement-blockers")).toBeVisible();
  await expect(page.getByTestId("retirement-state")).toContainText("Not yet");
});
