import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RoutingConfig, routeWorkOrder } from "./routing.ts";

const config = (percent: number, overrides: Partial<RoutingConfig> = {}): RoutingConfig => ({
  useNewQueueSystem: true,
  newQueueRolloutPercent: percent,
  shadowMode: false,
  salt: "prop-salt",
  legacyRetired: false,
  ...overrides,
});

/** Any allowed percent: 0 … 100 in steps of 0.01. */
const percentArb = fc.integer({ min: 0, max: 10_000 }).map((bp) => bp / 100);
const idArb = fc.oneof(fc.uuid(), fc.string({ unit: "grapheme", maxLength: 30 }));
const saltArb = fc.string({ maxLength: 20 });
const RUNS = { seed: 424242, numRuns: 500 };

describe("routing properties", () => {
  it("is monotonic: NEW at p implies NEW at every q ≥ p", () => {
    fc.assert(
      fc.property(idArb, saltArb, percentArb, percentArb, (id, salt, a, b) => {
        const [p, q] = a <= b ? [a, b] : [b, a];
        if (routeWorkOrder(config(p, { salt }), id).system === "NEW") {
          expect(routeWorkOrder(config(q, { salt }), id).system).toBe("NEW");
        }
      }),
      RUNS,
    );
  });

  it("0 % routes nothing to NEW", () => {
    fc.assert(
      fc.property(idArb, saltArb, (id, salt) => {
        expect(routeWorkOrder(config(0, { salt }), id).system).toBe("LEGACY");
      }),
      RUNS,
    );
  });

  it("100 % routes everything to NEW", () => {
    fc.assert(
      fc.property(idArb, saltArb, (id, salt) => {
        expect(routeWorkOrder(config(100, { salt }), id).system).toBe("NEW");
      }),
      RUNS,
    );
  });

  it("switch off routes nothing to NEW at any percent", () => {
    fc.assert(
      fc.property(idArb, saltArb, percentArb, (id, salt, p) => {
        const decision = routeWorkOrder(config(p, { salt, useNewQueueSystem: false }), id);
        expect(decision.system).toBe("LEGACY");
        expect(decision.reason).toBe("switch-off");
      }),
      RUNS,
    );
  });

  it("NEW iff bucket < thresholdBasisPoints, and shadow only on LEGACY", () => {
    fc.assert(
      fc.property(
        idArb,
        percentArb,
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (id, p, on, shadowMode, retired) => {
          const d = routeWorkOrder(
            config(p, { useNewQueueSystem: on, shadowMode, legacyRetired: retired }),
            id,
          );
          expect(d.system === "NEW").toBe(d.bucket < d.thresholdBasisPoints);
          expect(d.shadow).toBe(d.system === "LEGACY" && shadowMode);
        },
      ),
      RUNS,
    );
  });
});

describe("distribution over 100,000 ids (seeded, deterministic)", () => {
  const ids = fc.sample(fc.uuid(), { seed: 1337, numRuns: 100_000 });
  const shareNew = (percent: number) =>
    (100 * ids.filter((id) => routeWorkOrder(config(percent), id).system === "NEW").length) / ids.length;

  it("generated 100,000 distinct ids", () => {
    expect(new Set(ids).size).toBe(100_000);
  });

  it.each([10, 50])("the NEW share at %s %% is within ±0.5 points", (percent) => {
    expect(Math.abs(shareNew(percent) - percent)).toBeLessThanOrEqual(0.5);
  });
});
