import type { Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config.ts";
import { signIn, type TestUser } from "./api.ts";

/** Signs the page's browser context in (its cookie jar is the page's) without the form. */
export async function signInBrowser(page: Page, user: Pick<TestUser, "email" | "password">): Promise<void> {
  await signIn(page.context().request, user.email, user.password);
}

export function signInBrowserAsAdmin(page: Page): Promise<void> {
  return signInBrowser(page, { email: E2E_ADMIN.ADMIN_EMAIL, password: E2E_ADMIN.ADMIN_PASSWORD });
}
