import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config.ts";

// The producer API (/api/v1) as `npm run start -w @qmc/web` serves it: straight from the socket,
// beside Next on the same port, with the same security headers as every other API answer.
const trpc = (path: string) => `/api/trpc/${path}`;
const body = (json: unknown) => JSON.stringify({ json });

test("a producer's token submits orders over plain JSON, which the worker runs", async ({
  request,
  baseURL,
}) => {
  const origin = { "content-type": "application/json", origin: baseURL ?? "" };
  const signIn = await request.post(trpc("auth.signIn"), {
    headers: origin,
    data: body({ email: E2E_ADMIN.ADMIN_EMAIL, password: E2E_ADMIN.ADMIN_PASSWORD }),
  });
  expect(signIn.status()).toBe(200);
  const created = await request.post(trpc("auth.createToken"), {
    headers: origin,
    data: body({ name: "e2e producer", scopes: ["orders:submit"] }),
  });
  expect(created.status()).toBe(200);
  const { token } = (await created.json()).result.data.json as { token: string };
  const producer = { authorization: `Bearer ${token}`, "content-type": "application/json" };

  const one = await request.post("/api/v1/work-orders", {
    headers: { ...producer, "idempotency-key": "e2e-1" },
    data: { kind: "synthetic", payload: { durationMs: 5 } },
  });
  expect(one.status()).toBe(201);
  expect(one.headers()).toMatchObject({
    "content-type": "application/json",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy":
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  });
  const order = (await one.json()) as { id: string; system: string };
  expect(order.system).toBe("LEGACY");

  const again = await request.post("/api/v1/work-orders", {
    headers: { ...producer, "idempotency-key": "e2e-1" },
    data: { kind: "synthetic", payload: { durationMs: 5 } },
  });
  expect(again.headers()["idempotent-replayed"]).toBe("true");
  expect(await again.json()).toEqual(order);

  const batch = await request.post("/api/v1/work-orders/batch", {
    headers: producer,
    data: {
      orders: [
        { kind: "synthetic", payload: {} },
        { kind: "nope", payload: {} },
      ],
    },
  });
  expect(batch.status()).toBe(400);
  expect((await batch.json()).error).toMatchObject({ code: "UNKNOWN_TASK_KIND", field: "orders.1.kind" });

  const anonymous = await request.post("/api/v1/work-orders", { data: { kind: "synthetic", payload: {} } });
  expect(anonymous.status()).toBe(401);

  const document = await request.get("/api/v1/openapi.json");
  expect(document.status()).toBe(200);
  expect((await document.json()).openapi).toBe("3.1.0");

  // The worker started by the harness runs it to completion.
  await expect
    .poll(
      async () => {
        const detail = await request.get(
          `${trpc("workOrders.get")}?input=${encodeURIComponent(body({ id: order.id }))}`,
        );
        return (await detail.json()).result?.data?.json?.legacy?.status;
      },
      { timeout: 15_000 },
    )
    .toBe("completed");
});
