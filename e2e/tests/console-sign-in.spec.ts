import { expect, type Page, test } from "@playwright/test";
import { asAdmin, createUser, mutate, strongPassword, type TestUser } from "../console-support/api.ts";
import { watchForProblems } from "../console-support/page-checks.ts";

// Issue 11: sign-in, the first-sign-in password change, and a session that ends mid-work sending
// the person to sign in with what they were doing kept in the URL.

async function fillSignIn(page: Page, user: Pick<TestUser, "email" | "password">) {
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a page asked for while signed out comes back after signing in; a wrong password is a sentence", async ({
  page,
}) => {
  const operator = await createUser("OPERATOR");
  const problems = await watchForProblems(page);
  await page.goto("/overview?window=1h");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Foverview%3Fwindow%3D1h$/);

  await fillSignIn(page, { email: operator.email, password: "not the password at all" });
  await expect(page.locator(".error-message")).toHaveText(
    "✕ That email and password do not match an active account. Check them and try again; after 5 failures the account is blocked for a few minutes.",
  );
  await page.getByLabel("Password").fill(operator.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/overview\?window=1h$/);
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toContainText(`${operator.email} (operator)`);
  // The failed attempt is the one expected error: the browser logs its 401 response.
  expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
});

test("a session that ends mid-work sends the person to sign in and back to the same page", async ({
  page,
}) => {
  const viewer = await createUser("VIEWER");
  await page.goto("/sign-in?next=%2Frollout");
  await fillSignIn(page, viewer);
  await expect(page).toHaveURL(/\/rollout$/);
  await page.goto("/overview?window=6h");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();

  // An admin ends the session; the next live refresh notices.
  await mutate(await asAdmin(), "users.revokeSessions", {
    userId: viewer.id,
    reason: "e2e: end the session",
  });
  await expect(page).toHaveURL(/\/sign-in\?next=%2Foverview%3Fwindow%3D6h&expired=1$/, { timeout: 6_000 });
  await expect(page.getByRole("status")).toHaveText(
    "Your session has ended. Sign in again to continue where you were.",
  );
  await fillSignIn(page, viewer);
  await expect(page).toHaveURL(/\/overview\?window=6h$/);
});

test("a generated password is changed at the first sign-in, then the console opens", async ({ page }) => {
  const fresh = await createUser("OPERATOR", { mustChangePassword: true, label: "first" });
  const problems = await watchForProblems(page);
  await page.goto("/rollout");
  await fillSignIn(page, fresh);
  await expect(page).toHaveURL(/\/change-password\?next=%2Frollout$/);
  await expect(page.getByRole("status")).toContainText("Choose your own before using the console.");
  const chosen = strongPassword();
  await page.getByLabel("Current password").fill(fresh.password);
  await page.getByLabel("New password", { exact: true }).fill(chosen);
  await page.getByLabel("New password again").fill(chosen);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/rollout$/);
  await expect(page.getByRole("heading", { level: 1, name: "Rollout" })).toBeVisible();
  expect(problems).toEqual([]);
});
