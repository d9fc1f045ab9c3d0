import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { asAdmin, createUser, mutate, resetRollout } from "../console-support/api.ts";
import { signInBrowser } from "../console-support/browser.ts";
import { watchForProblems } from "../console-support/page-checks.ts";

// Issue 11, done when: with shadow mode on, the Comparison page shows the shadow consistency rate
// and the mismatch rows with the fields that differ; legacy and new side by side over a window.

test.beforeAll(async () => {
  const admin = await asAdmin();
  await resetRollout("e2e: start the comparison spec from legacy only");
  await mutate(admin, "rollout.set", { shadowMode: true, reason: "e2e: shadow every legacy order" });
  // Each attempt fails half the time, decided per order and attempt: both systems agree.
  for (let i = 0; i < 12; i++) {
    await mutate(admin, "workOrders.submit", {
      kind: "synthetic",
      payload: { durationMs: 5, failureRate: 0.5, failureMode: "retryable" },
    });
  }
});

const DATABASE_URL = process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/qmc_e2e";

/**
 * A shadow run decides like its legacy order (same seed), so real runs never disagree here. One
 * stored comparison is turned into the disagreement a nondeterministic task would produce, in the
 * e2e database only: the page must show it, field by field, and count it in the rate.
 */
function markOneComparisonAsMismatch(): void {
  const differences = JSON.stringify([{ field: "exitCode", legacy: 0, shadow: 1 }]);
  execFileSync("psql", [
    DATABASE_URL,
    "-v",
    "ON_ERROR_STOP=1",
    "-c",
    `UPDATE "ShadowComparison" SET outcome = 'MISMATCH', differences = '${differences}'::jsonb
     WHERE id = (SELECT id FROM "ShadowComparison" WHERE outcome = 'MATCH' ORDER BY "comparedAt" DESC LIMIT 1)`,
  ]);
}

test.afterAll(async () => {
  await resetRollout();
});

test("shadow mode on: the consistency rate and the mismatches with the fields that differ", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const viewer = await createUser("VIEWER");
  await signInBrowser(page, viewer);
  const problems = await watchForProblems(page);
  await page.goto("/comparison?window=1h");
  await expect(page.getByRole("heading", { level: 1, name: "Comparison" })).toBeVisible();
  await expect(page.getByRole("link", { name: "1 h" })).toHaveAttribute("aria-current", "true");

  // Shadow runs finish and are compared within seconds; the page refreshes by itself.
  const consistency = page.getByTestId("shadow-consistency");
  await expect(consistency).toContainText(/[\d.]+ % consistent/, { timeout: 30_000 });
  await expect(consistency).toContainText(/\d+ of \d+ shadow runs matched legacy in the last 1 h/);
  await expect(page.getByText("No shadow run has disagreed with legacy.")).toBeVisible();

  markOneComparisonAsMismatch();

  const mismatches = page.getByTestId("mismatches");
  await expect(mismatches.getByRole("row").nth(1)).toBeVisible({ timeout: 10_000 });
  // A difference names its field with legacy's value and the shadow's.
  await expect(mismatches.getByRole("row").nth(1)).toContainText("exitCode: 0 → 1");
  await expect(consistency).toContainText(/\d+(\.\d+)? % consistent/);
  await expect(consistency).not.toContainText("100 % consistent");

  // Side by side: both systems' measures in one table, legacy has finished orders.
  const table = page.getByTestId("side-by-side");
  await expect(table.getByRole("row", { name: /Error rate/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /Latency p99/ })).toBeVisible();
  // Jobs waiting (ready to start) and delayed (due later) are two measures, each labelled.
  await expect(table.getByRole("row", { name: /Jobs waiting now \(ready to start\)/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /Jobs delayed now \(retries due later\)/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /Throughput \(finished orders\/min\)/ })).toBeVisible();
  // The shadow-mode switch-on is a config change marked on the charts, in words, from the same
  // health.timeSeries read the charts draw (its annotations), before → after.
  await expect(page.getByTestId("chart-markers")).toContainText("shadow mode off → on", { timeout: 15_000 });
  for (const chart of [
    "Error rate",
    "Latency p50",
    "Latency p99",
    "Throughput (finished orders/min)",
    "Jobs waiting (ready to start)",
    "Jobs delayed (retries due later)",
  ])
    await expect(page.getByRole("figure", { name: chart })).toBeVisible();
  await expect(page.getByTestId("chart-buckets")).toContainText("every series drawn at the bucket's start");
  await expect(page.getByTestId("time-zone-note")).toContainText("Chart times are in your time zone (");

  // One health.timeSeries read per refresh feeds every chart and its markers: no second read of
  // the config history or the guard's alerts.
  const calls: string[] = [];
  const record = (request: { url(): string }) => {
    const url = decodeURIComponent(request.url());
    if (url.includes("/api/trpc/"))
      calls.push(...(url.split("/api/trpc/")[1]?.split("?")[0]?.split(",") ?? []));
  };
  page.on("request", record);
  await page.waitForTimeout(4_500);
  page.off("request", record);
  const reads = (path: string) => calls.filter((c) => c === path).length;
  expect(reads("health.timeSeries")).toBeGreaterThanOrEqual(1);
  expect(reads("health.timeSeries")).toBeLessThanOrEqual(3);
  expect(reads("rollout.history") + reads("guard.alerts")).toBe(0);
  expect(problems).toEqual([]);
});
