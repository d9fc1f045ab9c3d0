import { expect, test } from "@playwright/test";
import { asAdmin, createUser, mutate, query, resetRollout } from "../console-support/api.ts";
import { signInBrowser } from "../console-support/browser.ts";
import { watchForProblems } from "../console-support/page-checks.ts";

// Issue 11, audit log: filters in the URL (the links other pages make land filtered), one
// resubmit per submission entry (a double click makes one order, which links back to the
// original), bulk resubmission of the current filter with the dry-run count, a reason and a
// progress bar that follows the background run, and reasons shown as text, never markup.

interface AuditEntry {
  id: string;
  action: string;
  subjectId: string;
  reason: string | null;
  before: unknown;
}

test.afterAll(async () => {
  await resetRollout("e2e: audit spec done");
});

test("resubmit from the audit log: a double click makes one order, linked to the original", async ({
  page,
}) => {
  const operator = await createUser("OPERATOR");
  await signInBrowser(page, operator);
  const problems = await watchForProblems(page);
  const original = await mutate<{ id: string }>(page.context().request, "workOrders.submit", {
    kind: "synthetic",
    payload: { durationMs: 10 },
  });

  // The link other pages make: /audit?subjectId=…
  await page.goto(`/audit?subjectId=${original.id}`);
  await expect(page.getByLabel("Work order or subject id")).toHaveValue(original.id);
  const entries = page.getByTestId("audit-entries");
  // Only this order's entries: its submission and the statuses legacy wrote for it.
  await expect(entries.locator("tbody tr").filter({ hasText: "work_order.submit" })).toHaveCount(1);
  for (const row of await entries.locator("tbody tr").all()) await expect(row).toContainText(original.id);

  await page.getByRole("button", { name: `Resubmit ${original.id}` }).click();
  const dialog = page.getByRole("dialog", { name: "Resubmit this order?" });
  await dialog.getByLabel("Reason (kept in the audit log)").fill("<script>window.__pwned = 1</script> retry");
  await dialog.getByRole("button", { name: "Resubmit 1 order" }).dblclick();
  const toast = page
    .locator(".toast")
    .filter({ hasText: /Order resubmitted|Already resubmitted/ })
    .first();
  await expect(toast).toBeVisible();

  // One new order, whichever way the two clicks went.
  const admin = await asAdmin();
  await expect
    .poll(async () => {
      const page = await query<{ items: AuditEntry[] }>(admin, "audit.find", {
        action: "work_order.resubmit",
        actor: operator.email,
      });
      return page.items.length;
    })
    .toBe(1);
  const resubmits = await query<{ items: AuditEntry[] }>(admin, "audit.find", {
    action: "work_order.resubmit",
    actor: operator.email,
  });
  const newId = resubmits.items[0]?.subjectId ?? "";
  expect(newId).not.toBe(original.id);

  // The stored <script> is text, and never ran.
  await page.goto(`/audit?action=work_order.resubmit&actor=${encodeURIComponent(operator.email)}`);
  await expect(page.getByTestId("audit-reason").first()).toHaveText(
    "<script>window.__pwned = 1</script> retry",
  );
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.getByTestId("resubmitted-from").first()).toContainText(original.id);

  // The new order links back to the original.
  await page.getByRole("link", { name: newId }).click();
  await expect(page).toHaveURL(new RegExp(`/work-orders/${newId}$`));
  await expect(page.getByTestId("resubmitted-from")).toHaveText(original.id);
  await page.getByTestId("resubmitted-from").click();
  await expect(page).toHaveURL(new RegExp(`/work-orders/${original.id}$`));

  // Back restores the filtered audit page.
  await page.goBack();
  await page.goBack();
  await expect(page).toHaveURL(/action=work_order\.resubmit/);
  expect(problems).toEqual([]);
});

test("bulk resubmit of the current filter: dry-run count, reason, confirm, progress to the end", async ({
  page,
}) => {
  test.setTimeout(60_000);
  const operator = await createUser("OPERATOR");
  await signInBrowser(page, operator);
  const problems = await watchForProblems(page);
  for (let i = 0; i < 3; i++) {
    await mutate(page.context().request, "workOrders.submit", {
      kind: "synthetic",
      payload: { durationMs: 5 },
    });
  }
  await page.goto("/audit");
  await page.getByLabel("Actor").fill(operator.email);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`actor=${encodeURIComponent(operator.email)}`));
  await expect(page.getByTestId("bulk-plan")).toContainText("3 submissions");

  await page.getByRole("button", { name: "Resubmit 3 orders…" }).click();
  const dialog = page.getByRole("dialog", { name: "Resubmit 3 orders?" });
  await expect(dialog).toContainText("3 orders");
  // No reason, no run.
  await expect(dialog.getByRole("button", { name: "Resubmit 3 orders" })).toHaveAttribute(
    "aria-disabled",
    "true",
  );
  await dialog.getByLabel("Reason (kept in the audit log)").fill("e2e: bulk resubmission");
  await dialog.getByRole("button", { name: "Resubmit 3 orders" }).click();
  await expect(
    page.locator(".toast").filter({ hasText: "Bulk resubmission started (3 orders)" }),
  ).toBeVisible();
  await expect(page.getByTestId("bulk-status")).toHaveText("COMPLETED", { timeout: 30_000 });
  await expect(page.getByTestId("bulk-progress")).toContainText("3 of 3 processed");
  await expect(page.getByRole("progressbar", { name: "Bulk resubmission progress" })).toBeVisible();
  const admin = await asAdmin();
  const resubmits = await query<{ items: AuditEntry[] }>(admin, "audit.find", {
    action: "work_order.resubmit",
    actor: operator.email,
  });
  expect(resubmits.items).toHaveLength(3);
  expect(problems).toEqual([]);
});
