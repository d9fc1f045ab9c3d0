import { expect, test } from "@playwright/test";
import { asAdmin, createUser, query } from "../console-support/api.ts";
import { signInBrowser } from "../console-support/browser.ts";
import { watchForProblems } from "../console-support/page-checks.ts";

interface PhaseReport {
  phase: 1 | 2 | 3 | 4;
  summary: string;
  phases: Array<{
    phase: number;
    state: string;
    items: Array<{ id: string; title: string; status: string }>;
  }>;
}

const WORDS = { pass: "verified", fail: "failed" } as const;

// The Overview answers "where are we": the phase the API decides from the config history, and
// that phase's verification items from the plan, each with its status in words and its evidence.
test("the Overview shows the phase and its verification items as the API judges them", async ({ page }) => {
  const viewer = await createUser("VIEWER");
  await signInBrowser(page, viewer);
  const problems = await watchForProblems(page);
  const report = await query<PhaseReport>(await asAdmin(), "health.phase");
  await page.goto("/overview");

  await expect(page.getByTestId("phase-path").locator('li[aria-current="step"]')).toContainText(
    `Phase ${report.phase} · you are here`,
  );
  await expect(page.getByTestId("phase-summary")).toContainText(report.summary);
  const current = report.phases.find((p) => p.state === "current");
  expect(current?.items.length).toBeGreaterThan(0);
  for (const item of current?.items ?? []) {
    const row = page.getByTestId(`verification-${item.id}`);
    await expect(row).toContainText(item.title);
    if (item.status !== "pending") await expect(row).toContainText(WORDS[item.status as "pass" | "fail"]);
    else await expect(row).toContainText(/not enough data yet|not measurable from live data/);
  }
  expect(problems).toEqual([]);
});
