import { describe, expect, it } from "vitest";
import { latestWindowWithSample } from "./legacy-baseline.ts";

const T0 = Date.UTC(2026, 10, 29, 15, 0, 0);
const minute = (m: number, finished: number) => ({ minute: new Date(T0 + m * 60_000), finished });

describe("the latest legacy window with the minimum sample", () => {
  it("ends just after the newest legacy minute when that window already has the sample", () => {
    const minutes = [minute(9, 40), minute(8, 40), minute(7, 40), minute(2, 500)];
    expect(latestWindowWithSample(minutes, 5, 100)).toEqual({
      from: new Date(T0 + 5 * 60_000),
      to: new Date(T0 + 10 * 60_000),
    });
  });

  it("slides back past a trickle of legacy orders (a ramp-down) to a window that had the sample", () => {
    const minutes = [minute(30, 3), minute(20, 5), minute(6, 60), minute(5, 60), minute(1, 10)];
    expect(latestWindowWithSample(minutes, 5, 100)).toEqual({
      from: new Date(T0 + 2 * 60_000),
      to: new Date(T0 + 7 * 60_000),
    });
  });

  it("is null when no window of that length ever had the sample", () => {
    expect(latestWindowWithSample([minute(9, 50), minute(3, 50)], 5, 100)).toBeNull();
    expect(latestWindowWithSample([], 5, 1)).toBeNull();
  });
});
