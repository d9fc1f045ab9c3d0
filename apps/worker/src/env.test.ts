import { EnvValidationError } from "@qmc/runtime";
import { describe, expect, it } from "vitest";
import { parseWorkerEnv } from "./env.ts";

describe("parseWorkerEnv: WORKER_SYSTEMS", () => {
  it("accepts the systems in any case and keeps them in lower case", () => {
    expect(parseWorkerEnv({ WORKER_SYSTEMS: "NEW" }).WORKER_SYSTEMS).toEqual(["new"]);
    expect(parseWorkerEnv({ WORKER_SYSTEMS: "Legacy, new" }).WORKER_SYSTEMS).toEqual(["legacy", "new"]);
  });

  it("runs a system once however often it is listed", () => {
    expect(parseWorkerEnv({ WORKER_SYSTEMS: "new,NEW,New" }).WORKER_SYSTEMS).toEqual(["new"]);
  });

  it("runs both when unset, and names the variable for an unknown system", () => {
    expect(parseWorkerEnv({}).WORKER_SYSTEMS).toEqual(["legacy", "new"]);
    const error = (() => {
      try {
        parseWorkerEnv({ WORKER_SYSTEMS: "new,old" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EnvValidationError);
    expect((error as EnvValidationError).problems).toEqual([
      expect.stringMatching(/^WORKER_SYSTEMS\.1: .*"legacy"\|"new"/),
    ]);
  });
});
