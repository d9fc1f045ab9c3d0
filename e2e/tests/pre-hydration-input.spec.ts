import { expect, type Page, test } from "@playwright/test";
import { createUser, strongPassword } from "../console-support/api.ts";

// The sign-in and change-password forms are the first pages a browser loads, where a password
// manager (or a quick person) fills fields before React has hydrated them. Whatever was typed
// then must be what is sent: fields reset by the first render made a first sign-in fail with
// "The two new passwords differ" although both were typed the same.

/** Holds the page's JavaScript until `release()`: the server-rendered form is there, inert. */
async function holdScripts(page: Page): Promise<() => Promise<void>> {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/_next/static/chunks/**/*.js", async (route) => {
    await held;
    await route.continue();
  });
  // Released, the handler lets every script through at once (a later hold registers its own,
  // which Playwright asks first).
  return async () => release();
}

/** True once React has attached to the form (its event handlers now run). */
async function waitForHydration(page: Page, formName: string): Promise<void> {
  await page.waitForFunction((name) => {
    const form = document.querySelector(`form[aria-label="${name}"]`);
    return form !== null && Object.keys(form).some((key) => key.startsWith("__react"));
  }, formName);
}

test("what is typed before the page hydrates is what the sign-in and the password change send", async ({
  page,
}) => {
  const fresh = await createUser("OPERATOR", { mustChangePassword: true, label: "pre-hydration" });

  let release = await holdScripts(page);
  await page.goto("/sign-in?next=/rollout", { waitUntil: "domcontentloaded" });
  await page.getByLabel("Email").fill(fresh.email);
  await page.getByLabel("Password").fill(fresh.password);
  await release();
  await waitForHydration(page, "Sign in");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/change-password\?next=%2Frollout$/);

  release = await holdScripts(page);
  await page.reload({ waitUntil: "domcontentloaded" });
  const chosen = strongPassword();
  await page.getByLabel("Current password").fill(fresh.password);
  await page.getByLabel("New password", { exact: true }).fill(chosen);
  await release();
  await waitForHydration(page, "Change password");
  // The last field after hydration: its input event compares it with the one typed before.
  await page.getByLabel("New password again").fill(chosen);
  await expect(page.getByText("The two new passwords differ.")).toHaveCount(0);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/rollout$/);
});
