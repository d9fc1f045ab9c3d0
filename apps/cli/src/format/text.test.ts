import { describe, expect, it } from "vitest";
import { block, formatAge, formatCount, formatPercent, formatUtc, plain } from "./text.ts";

describe("terminal text", () => {
  it("groups thousands and writes percents with their sign apart", () => {
    expect(formatCount(1_234_567)).toBe("1,234,567");
    expect(formatPercent(50)).toBe("50 %");
    expect(formatPercent(12.5)).toBe("12.5 %");
    expect(formatPercent(0.29)).toBe("0.29 %");
  });

  it("says how long ago in the largest whole unit, and the UTC time", () => {
    const now = new Date("2026-12-07T10:00:00Z");
    const ago = (seconds: number) => formatAge(new Date(now.getTime() - seconds * 1000), now);
    expect([ago(0), ago(-5), ago(40), ago(4 * 60 + 59), ago(3 * 3600), ago(5 * 86_400)]).toEqual([
      "just now",
      "just now",
      "40 s ago",
      "4 min ago",
      "3 h ago",
      "5 d ago",
    ]);
    expect(formatUtc(new Date("2026-12-07T10:15:03.456Z"))).toBe("2026-12-07 10:15:03 UTC");
  });

  it("keeps escape sequences in people's text from reaching the terminal, and cuts long text", () => {
    expect(plain("raise\u001b[2J to 50\n\u009b31m")).toBe("raise [2J to 50 31m");
    expect(plain("x".repeat(200), 10)).toBe(`${"x".repeat(9)}…`);
  });

  it("aligns values one column after the longest label", () => {
    expect(
      block([
        ["Routing", "on"],
        ["Paused", "no"],
      ]),
    ).toBe("Routing   on\nPaused    no");
  });
});
