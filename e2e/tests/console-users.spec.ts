import { expect, test } from "@playwright/test";
import { createUser } from "../console-support/api.ts";
import { signInBrowser, signInBrowserAsAdmin } from "../console-support/browser.ts";
import { watchForProblems } from "../console-support/page-checks.ts";

// Issue 11: users and tokens. Admins create, change role, disable, reset passwords and revoke
// sessions with reasons; a person creates their own API token and sees it once.

test("an admin creates an account, changes its role, resets its password and disables it", async ({
  page,
}) => {
  await signInBrowserAsAdmin(page);
  const problems = await watchForProblems(page);
  await page.goto("/users");
  const email = `console-made-${Date.now()}@example.com`;
  const create = page.getByRole("form", { name: "Create an account" });
  await create.getByLabel("Email").fill(email);
  await create.getByLabel("Role").selectOption("VIEWER");
  await create.getByRole("button", { name: "Generate a password" }).click();
  await create.getByRole("button", { name: "Create the account" }).click();
  await expect(page.locator(".toast").filter({ hasText: `Account ${email} created (viewer)` })).toBeVisible();
  await expect(page.getByTestId("new-secret")).toContainText(`First password for ${email}`);

  await page.getByRole("link", { name: `Manage ${email}` }).click();
  const manager = page.getByTestId("user-manager");
  await manager.getByLabel("Role").selectOption("OPERATOR");
  await manager.getByRole("button", { name: "Change role to operator" }).click();
  let dialog = page.getByRole("dialog");
  await dialog.getByLabel("Reason (kept in the audit log)").fill("joins the on-call rota");
  await dialog.getByRole("button", { name: "Make operator" }).click();
  await expect(page.locator(".toast").filter({ hasText: `${email} is now operator` })).toBeVisible();
  await expect(page.getByTestId("users-table").getByRole("row", { name: new RegExp(email) })).toContainText(
    "operator",
  );

  await manager.getByRole("button", { name: "Reset password" }).click();
  dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("shown to you once");
  await dialog.getByLabel("Reason (kept in the audit log)").fill("forgot it");
  await dialog.getByRole("button", { name: "Reset the password" }).click();
  await expect(manager.getByTestId("new-secret")).toContainText(`Temporary password for ${email}`);

  await manager.getByRole("button", { name: `Disable ${email}` }).click();
  dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("They cannot sign in any more");
  await dialog.getByLabel("Reason (kept in the audit log)").fill("left the team");
  await dialog.getByRole("button", { name: "Disable the account" }).click();
  await expect(page.locator(".toast").filter({ hasText: `${email} disabled` })).toBeVisible();
  await expect(page.getByTestId("users-table").getByRole("row", { name: new RegExp(email) })).toContainText(
    "Disabled",
  );
  expect(problems).toEqual([]);
});

test("a person creates their own API token, sees it once, uses it and revokes it", async ({
  page,
  playwright,
}) => {
  const viewer = await createUser("VIEWER");
  await signInBrowser(page, viewer);
  const problems = await watchForProblems(page);
  await page.goto("/users");
  await expect(page.getByText("Managing other people's accounts is for admins.")).toBeVisible();
  await page.getByLabel("Token name").fill("e2e script");
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-secret");
  await expect(shown).toContainText("shown only once");
  const token = (await shown.locator("code").textContent())?.trim() ?? "";
  expect(token).toMatch(/^qmc_/);

  const api = await playwright.request.newContext({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const me = await api.get(`${new URL(page.url()).origin}/api/trpc/auth.me`);
  expect((await me.json()).result.data.json.email).toBe(viewer.email);

  await page.getByRole("button", { name: "I have saved it" }).click();
  await expect(shown).toBeHidden();
  await page.reload();
  await expect(page.getByTestId("new-secret")).toHaveCount(0); // never shown again
  await page.getByRole("button", { name: "Revoke e2e script" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke the token" }).click();
  await expect(page.locator(".toast").filter({ hasText: "Token “e2e script” revoked" })).toBeVisible();
  const refused = await api.get(`${new URL(page.url()).origin}/api/trpc/auth.me`);
  expect((await refused.json()).result.data.json).toBeNull();
  await api.dispose();
  expect(problems).toEqual([]);
});
