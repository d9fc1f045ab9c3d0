import { expect, test } from "@playwright/test";
import { createUser } from "../console-support/api.ts";
import { signInBrowser, signInBrowserAsAdmin } from "../console-support/browser.ts";
import { watchForProblems } from "../console-support/page-checks.ts";

// Issue 11: users and tokens. Admins create, change role, disable, reset passwords and revoke
// sessions with reasons; a person creates their own API token and sees it once. Issue 14: a token
// carries the scopes picked for it (only those the person's role may grant), shown in the list.

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
  // A viewer may grant `read` only, and must pick it: nothing is picked for them.
  const scopes = page.getByTestId("token-scopes").getByRole("checkbox");
  await expect(scopes).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Create token" })).toBeDisabled();
  await page.getByRole("checkbox", { name: "read" }).check();
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-secret");
  await expect(shown).toContainText("shown only once");
  const token = (await shown.locator("code").textContent())?.trim() ?? "";
  expect(token).toMatch(/^qmc_/);

  const api = await playwright.request.newContext({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const me = await api.get(`${new URL(page.url()).origin}/api/trpc/auth.me`);
  expect((await me.json()).result.data.json.email).toBe(viewer.email);

  await expect(page.getByRole("row", { name: /e2e script/ }).getByTestId("token-scopes-cell")).toHaveText(
    "read",
  );
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

test("an operator creates a producer token: orders:submit is suggested, listed, and the token can do nothing else", async ({
  page,
  playwright,
}) => {
  const operator = await createUser("OPERATOR");
  await signInBrowser(page, operator);
  const problems = await watchForProblems(page);
  await page.goto("/users");
  const scopes = page.getByTestId("token-scopes");
  // Operators may grant everything but admin; the producer's scope is picked for them.
  await expect(scopes.getByRole("checkbox")).toHaveCount(4);
  await expect(scopes.getByRole("checkbox", { name: "admin" })).toHaveCount(0);
  await expect(page.getByRole("checkbox", { name: /^orders:submit/ })).toBeChecked();
  await expect(scopes).toContainText("Submit work orders, and nothing else");
  await page.getByLabel("Token name").fill("e2e producer");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(
    page.locator(".toast").filter({ hasText: "Token “e2e producer” created (orders:submit)" }),
  ).toBeVisible();
  const token = (await page.getByTestId("new-secret").locator("code").textContent())?.trim() ?? "";
  await expect(page.getByRole("row", { name: /e2e producer/ }).getByTestId("token-scopes-cell")).toHaveText(
    "orders:submit",
  );

  const origin = new URL(page.url()).origin;
  const api = await playwright.request.newContext({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const me = await api.get(`${origin}/api/trpc/auth.me`);
  expect((await me.json()).result.data.json).toMatchObject({
    email: operator.email,
    scopes: ["orders:submit"],
  });
  const read = await api.get(`${origin}/api/trpc/rollout.get`);
  expect(read.status()).toBe(403);
  expect((await read.json()).error.json.data.domainCode).toBe("SCOPE_MISSING");
  // It passes the access check for submitting (an unknown kind is refused after it, making nothing).
  const submit = await api.post(`${origin}/api/trpc/workOrders.submit`, {
    headers: { "content-type": "application/json" },
    data: JSON.stringify({ json: { kind: "no-such-kind", payload: {} } }),
  });
  expect(submit.status()).toBe(400);
  await api.dispose();
  expect(problems).toEqual([]);
});
