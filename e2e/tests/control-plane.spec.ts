import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config.ts";

// The control-plane API as served by the real Next.js app (not a test server).
const call = (path: string) => `/api/trpc/${path}`;
const body = (json: unknown) => JSON.stringify({ json });

test("the API refuses anonymous callers, signs an admin in with a cookie, and serves the rollout", async ({
  request,
  baseURL,
}) => {
  const anonymous = await request.get(call("rollout.get"));
  expect(anonymous.status()).toBe(401);
  expect((await anonymous.json()).error.json.data).toMatchObject({ code: "UNAUTHORIZED" });

  const signIn = await request.post(call("auth.signIn"), {
    headers: { "content-type": "application/json", origin: baseURL ?? "" },
    data: body({ email: E2E_ADMIN.ADMIN_EMAIL, password: E2E_ADMIN.ADMIN_PASSWORD }),
  });
  expect(signIn.status()).toBe(200);
  expect(signIn.headers()["set-cookie"]).toMatch(/qmc_session=.*HttpOnly/i);

  // The request context keeps the cookie.
  const rollout = await request.get(call("rollout.get"));
  expect(rollout.status()).toBe(200);
  expect((await rollout.json()).result.data.json).toMatchObject({
    useNewQueueSystem: false,
    newQueueRolloutPercent: 0,
  });

  const crossOrigin = await request.post(call("rollout.rollback"), {
    headers: { "content-type": "application/json", origin: "https://evil.example" },
    data: body({ reason: "csrf attempt" }),
  });
  expect(crossOrigin.status()).toBe(403);

  const submitted = await request.post(call("workOrders.submit"), {
    headers: { "content-type": "application/json", origin: baseURL ?? "" },
    data: body({ kind: "synthetic", payload: { durationMs: 5 } }),
  });
  expect(submitted.status()).toBe(200);
  const { id, system } = (await submitted.json()).result.data.json as { id: string; system: string };
  expect(system).toBe("LEGACY");
  // The worker started by the harness runs it to completion.
  await expect
    .poll(
      async () => {
        const input = encodeURIComponent(body({ id }));
        const detail = await request.get(`${call("workOrders.get")}?input=${input}`);
        return (await detail.json()).result?.data?.json?.legacy?.status;
      },
      { timeout: 15_000 },
    )
    .toBe("completed");
});
