import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHarness, createApiHarness } from "../testing/api-harness.ts";
import { closeProducerContext } from "./producer-context.ts";
import { post, type ServedRest, serveRest } from "./rest-testing.ts";

let h: ApiHarness;
let rest: ServedRest;
let producer: string;
let doc: {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

beforeAll(async () => {
  h = await createApiHarness("rest-openapi");
  rest = await serveRest(h.web.services);
  producer = await h.tokenFor("OPERATOR", ["orders:submit"]);
  const response = await fetch(`${rest.origin}/api/v1/openapi.json`);
  expect(response.status).toBe(200);
  doc = (await response.json()) as typeof doc;
});
afterAll(async () => {
  await rest.close();
  await closeProducerContext(h.web.services);
  await h.close();
});

/** The document's schemas, compiled as JSON Schema 2020-12 (what OpenAPI 3.1 uses). */
function validator(component: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: "openapi", components: doc.components }, "openapi");
  return ajv.compile({ $ref: `openapi#/components/schemas/${component}` });
}

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document of the producer API, with bearer auth and every schema", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/v1/openapi.json",
      "/api/v1/work-orders",
      "/api/v1/work-orders/batch",
    ]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        "OrderSubmission",
        "BatchSubmission",
        "SubmittedOrder",
        "Error",
        "SyntheticPayload",
        "CommandPayload",
      ]),
    );
    const submit = doc.paths["/api/v1/work-orders"]?.post;
    expect(Object.keys(submit?.responses ?? {}).sort()).toEqual(
      ["201", "400", "401", "403", "413", "422", "429", "503"].sort(),
    );
    expect(submit?.security).toEqual([{ bearerAuth: [] }]);
  });

  it("its schemas are the handlers' own: they accept and refuse the same bodies", async () => {
    const order = validator("OrderSubmission");
    expect(order({ kind: "synthetic", payload: { durationMs: 5 }, priority: 3 })).toBe(true);
    expect(order({ kind: "synthetic", payload: {}, prority: 3 })).toBe(false);
    expect(order({ kind: "synthetic", payload: {}, priority: 99 })).toBe(false);
    expect(validator("BatchSubmission")({ orders: [] })).toBe(false);
    expect(validator("SyntheticPayload")({ durationMs: "slow" })).toBe(false);

    const made = await post(
      rest.origin,
      "/api/v1/work-orders",
      { kind: "synthetic", payload: {} },
      { token: producer },
    );
    expect(validator("SubmittedOrder")(made.body)).toBe(true);
    const refused = await post(
      rest.origin,
      "/api/v1/work-orders",
      { kind: "nope", payload: {} },
      { token: producer },
    );
    expect(validator("Error")(refused.body)).toBe(true);
  });

  it("every route it lists answers, with a status it documents", async () => {
    const bodies: Record<string, unknown> = {
      "/api/v1/work-orders": { kind: "synthetic", payload: {} },
      "/api/v1/work-orders/batch": { orders: [{ kind: "synthetic", payload: {} }] },
    };
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const response = await fetch(`${rest.origin}${path}`, {
          method: method.toUpperCase(),
          headers: { authorization: `Bearer ${producer}`, "content-type": "application/json" },
          ...(method === "get" ? {} : { body: JSON.stringify(bodies[path]) }),
        });
        expect(Object.keys(operation.responses), `${method} ${path}`).toContain(String(response.status));
        expect(response.status, `${method} ${path}`).toBeLessThan(300);
        expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      }
    }
  });
});
