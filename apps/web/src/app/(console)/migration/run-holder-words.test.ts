import { describe, expect, it } from "vitest";
import { holderSilenceText, type RunHolder } from "./run-holder-words";

// Issue 14, item 5f: while a run's worker is gone and nobody has taken the run over yet, the
// Migration page says so in words.

const holder = (over: Partial<RunHolder>): RunHolder => ({
  workerId: "host-123-4711",
  host: "host-123",
  answering: false,
  silentForMs: 12_300,
  takeoverWithinMs: 2_400,
  standbyWorkers: 1,
  ...over,
});

describe("holderSilenceText", () => {
  it("says nothing while the worker answers, or when nobody holds the run", () => {
    expect(holderSilenceText(null)).toBeNull();
    expect(
      holderSilenceText(holder({ answering: true, silentForMs: null, takeoverWithinMs: null })),
    ).toBeNull();
  });

  it("says since when the worker is silent and when a standby takes the run over", () => {
    expect(holderSilenceText(holder({}))).toBe(
      "The worker running this migration (host-123-4711) stopped answering 12 s ago; another worker takes it over within ~3 s.",
    );
    expect(holderSilenceText(holder({ takeoverWithinMs: 0 }))).toBe(
      "The worker running this migration (host-123-4711) stopped answering 12 s ago; another worker is taking it over now.",
    );
  });

  it("names the host when the worker id does not, and says to start a worker when none stands by", () => {
    expect(holderSilenceText(holder({ workerId: "run-worker-1", standbyWorkers: 0 }))).toBe(
      "The worker running this migration (run-worker-1 on host-123) stopped answering 12 s ago, and no other worker is running to take it over: start a worker, and it continues from where the run stopped.",
    );
  });
});
