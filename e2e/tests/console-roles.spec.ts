import { expect, test } from "@playwright/test";
import { asAdmin, createUser, mutate, mutateRaw } from "../console-support/api.ts";
import { signInBrowser } from "../console-support/browser.ts";
import { watchForProblems } from "../console-support/page-checks.ts";

// Issue 11: a viewer sees no mutating control anywhere, and the API refuses a forged mutation.

const CONSOLE_PATHS = [
  "/overview",
  "/rollout",
  "/users",
  "/migration",
  "/comparison",
  "/health",
  "/work-orders",
  "/audit",
];

/** Controls a viewer may use: reading, navigating, signing out, their own API tokens. */
const VIEWER_BUTTONS =
  /^(Sign out|Create token|Copy|I have saved it|Revoke .+|Apply filters|Show all \(.+\)|Show less)$/;

test("a viewer sees no control that changes the rollout or accounts, on any page", async ({ page }) => {
  const viewer = await createUser("VIEWER");
  await signInBrowser(page, viewer);
  const problems = await watchForProblems(page);
  for (const path of CONSOLE_PATHS) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByText(/Loading /)).toHaveCount(0);
    const buttons = await page.getByRole("button").allInnerTexts();
    const mutating = buttons.map((b) => b.trim()).filter((b) => b && !VIEWER_BUTTONS.test(b));
    expect(mutating, `buttons a viewer sees on ${path}`).toEqual([]);
    await expect(page.getByRole("slider")).toHaveCount(0);
    await expect(page.getByRole("switch")).toHaveCount(0);
  }
  await page.goto("/rollout");
  await expect(page.getByText("You can follow the rollout here but not change it.")).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toContainText(`${viewer.email} (viewer)`);
  expect(problems).toEqual([]);
});

test("a viewer sees no submit, cancel or resubmit on an order's page and its audit entries", async ({
  page,
}) => {
  const order = await mutate<{ id: string }>(await asAdmin(), "workOrders.submit", {
    kind: "synthetic",
    payload: { durationMs: 20_000 },
  });
  const viewer = await createUser("VIEWER");
  await signInBrowser(page, viewer);
  for (const path of [`/work-orders/${order.id}`, `/audit?subjectId=${order.id}`]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByText(/Loading /)).toHaveCount(0);
    const buttons = await page.getByRole("button").allInnerTexts();
    const mutating = buttons.map((b) => b.trim()).filter((b) => b && !VIEWER_BUTTONS.test(b));
    expect(mutating, `buttons a viewer sees on ${path}`).toEqual([]);
  }
  await expect(page.getByRole("heading", { name: "Bulk resubmit" })).toHaveCount(0);
});

test("the API refuses a viewer's forged mutations, whatever the page shows", async ({ page }) => {
  const viewer = await createUser("VIEWER");
  await signInBrowser(page, viewer);
  const request = page.context().request;
  for (const [path, input] of [
    ["rollout.set", { newQueueRolloutPercent: 50, reason: "forged" }],
    ["rollout.rollback", { reason: "forged" }],
    ["users.create", { email: "forged@example.com", password: "forged forged forged 1234", role: "ADMIN" }],
    ["workOrders.submit", { kind: "synthetic", payload: {} }],
    ["workOrders.cancel", { id: "forged-order" }],
    ["audit.resubmit", { auditEventId: "1", idempotencyKey: "forged-key-1", reason: "forged" }],
  ] as const) {
    const response = await mutateRaw(request, path, input);
    expect(response.status(), path).toBe(403);
    expect((await response.json()).error.json.data.code).toBe("FORBIDDEN");
  }
});
