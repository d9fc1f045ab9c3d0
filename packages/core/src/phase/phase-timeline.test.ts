import { describe, expect, it } from "vitest";
import { levelKey, minuteWindow, phaseOf, phaseTimeline, phaseWindows } from "./phase-timeline.ts";
import type { ConfigPoint } from "./phase-types.ts";

const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
const H = 3_600_000;

/** Versions 1, 2, … one hour apart, each changing the previous one. */
function history(...changes: Array<Partial<ConfigPoint>>): ConfigPoint[] {
  let previous: ConfigPoint = {
    version: 0,
    at: new Date(T0),
    useNewQueueSystem: false,
    shadowMode: false,
    percent: 0,
    legacyRetired: false,
    paused: false,
    actor: "system",
  };
  return [{}, ...changes].map((change, i) => {
    previous = { ...previous, ...change, version: i + 1, at: change.at ?? new Date(T0 + i * H) };
    return previous;
  });
}

const now = (hours: number) => new Date(T0 + hours * H);

describe("the phase of a configuration", () => {
  it("is 1 while no flag has ever been on, whatever percent is preset", () => {
    expect(phaseTimeline(history(), now(1)).phase).toBe(1);
    expect(phaseTimeline(history({ percent: 10 }), now(2)).phase).toBe(1);
  });

  it("is 2 with shadow mode on, or the switch on at exactly 0 %", () => {
    expect(phaseTimeline(history({ shadowMode: true }), now(2)).phase).toBe(2);
    expect(phaseTimeline(history({ useNewQueueSystem: true, percent: 0 }), now(2)).phase).toBe(2);
  });

  it("is 3 from the smallest step above 0 % up to 100 %, shadow or not", () => {
    expect(phaseTimeline(history({ useNewQueueSystem: true, percent: 0.01 }), now(2)).phase).toBe(3);
    expect(phaseTimeline(history({ useNewQueueSystem: true, percent: 100 }), now(2)).phase).toBe(3);
    expect(
      phaseTimeline(history({ useNewQueueSystem: true, shadowMode: true, percent: 10 }), now(2)).phase,
    ).toBe(3);
  });

  it("is 4 while legacy is retired, and back to 3 once it is un-retired", () => {
    const retired = history({ useNewQueueSystem: true, percent: 100 }, { legacyRetired: true });
    expect(phaseTimeline(retired, now(3)).phase).toBe(4);
    expect(phaseTimeline(retired, now(3)).retired?.from).toEqual(now(2));
    const undone = history(
      { useNewQueueSystem: true, percent: 100 },
      { legacyRetired: true },
      { legacyRetired: false },
    );
    expect(phaseTimeline(undone, now(4)).phase).toBe(3);
    expect(phaseTimeline(undone, now(4)).retired).toBeNull();
  });

  it("is 2 after a rollback (switch off after it was on) and after shadow mode was turned off again", () => {
    const rolledBack = phaseTimeline(
      history({ useNewQueueSystem: true, percent: 10 }, { useNewQueueSystem: false }),
      now(3),
    );
    expect(rolledBack).toMatchObject({ phase: 2, rolledBack: true, phaseSince: now(2) });
    expect(rolledBack.rollback).toEqual({ from: now(2), to: now(3), open: true });
    const shadowOff = phaseTimeline(history({ shadowMode: true }, { shadowMode: false }), now(3));
    expect(shadowOff).toMatchObject({ phase: 2, rolledBack: false });
    expect(phaseOf({ ...shadowOff.current }, false)).toBe(1);
  });

  it("dates the phase from the first version of its trailing run, not the latest change", () => {
    const t = phaseTimeline(
      history(
        { shadowMode: true },
        { useNewQueueSystem: true, percent: 10 },
        { percent: 50 },
        { paused: true },
      ),
      now(5),
    );
    expect(t.phase).toBe(3);
    expect(t.phaseSince).toEqual(now(2));
  });
});

describe("the stretches the verification reads", () => {
  const t = phaseTimeline(
    history(
      { shadowMode: true }, // v2 at 1 h
      { useNewQueueSystem: true }, // v3 at 2 h: on at 0 %
      { percent: 10, shadowMode: false }, // v4 at 3 h
      { percent: 50 }, // v5 at 4 h
      { useNewQueueSystem: false }, // v6 at 5 h: rollback
      { useNewQueueSystem: true }, // v7 at 6 h: 50 % again
      { percent: 100 }, // v8 at 7 h
      { legacyRetired: true }, // v9 at 8 h
    ),
    now(10),
  );

  it("knows when each flag first went on and each phase's period", () => {
    expect(t.phase1).toEqual({ from: now(0), to: now(1), open: false });
    expect(t.flags).toEqual({ from: now(1), to: now(3), open: false });
    expect(t.shadowSince).toEqual(now(1));
    expect(t.shadowRun).toEqual({ from: now(1), to: now(3), open: false });
    expect(t.retired).toEqual({ from: now(8), to: now(10), open: true });
  });

  it("keeps every stretch of each level, split by a rollback, and ends the switch run at retirement", () => {
    expect(t.levels).toEqual([
      { percent: 10, stretches: [{ from: now(3), to: now(4), open: false }] },
      {
        percent: 50,
        stretches: [
          { from: now(4), to: now(5), open: false },
          { from: now(6), to: now(7), open: false },
        ],
      },
      { percent: 100, stretches: [{ from: now(7), to: now(8), open: false }] },
    ]);
    expect(t.rollback).toEqual({ from: now(5), to: now(6), open: false });
    expect(t.switchRun).toEqual({
      from: now(6),
      to: now(8),
      open: false,
      maxPercent: 100,
      minPositivePercent: 50,
      endedBy: "retirement",
    });
    expect(t.reached).toEqual([1, 2, 3, 4]);
  });

  it("asks for one window per stretch, keyed for the evaluation", () => {
    const keys = phaseWindows(t, now(10)).map((w) => w.key);
    expect(keys).toEqual([
      "phase1",
      "flags",
      "shadow",
      "switch",
      "switch:0",
      "rollback",
      "retired",
      levelKey(10),
      levelKey(50, 0),
      levelKey(50, 1),
      levelKey(100),
    ]);
  });
});

describe("whole-minute windows", () => {
  const at = (minute: number, second = 0) => new Date(T0 + minute * 60_000 + second * 1000);

  it("leave out the minute a change happened in, on both ends of a closed span", () => {
    expect(minuteWindow({ from: at(2, 30), to: at(10, 15), open: false }, at(20))).toEqual({
      from: at(3),
      to: at(10),
    });
    expect(minuteWindow({ from: at(2), to: at(10), open: false }, at(20))).toEqual({
      from: at(2),
      to: at(10),
    });
  });

  it("run an open span to now, the current minute included", () => {
    expect(minuteWindow({ from: at(2, 30), to: at(5, 10), open: true }, at(5, 10))).toEqual({
      from: at(3),
      to: at(5, 10),
    });
  });

  it("are null when no whole minute belongs to the span alone", () => {
    expect(minuteWindow({ from: at(2, 10), to: at(2, 50), open: false }, at(9))).toBeNull();
    expect(minuteWindow({ from: at(2, 10), to: at(3, 50), open: false }, at(9))).toBeNull();
    expect(minuteWindow({ from: at(2, 10), to: at(2, 50), open: true }, at(2, 50))).toBeNull();
  });
});
