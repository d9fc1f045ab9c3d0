import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CommandAllowlistEntrySchema,
  CommandSearchPathSchema,
  parseCommandAllowlistEntry,
  refineUniqueNames,
} from "./command-allowlist.ts";

describe("parseCommandAllowlistEntry", () => {
  it("reads a bare name and a name with its path", () => {
    expect(parseCommandAllowlistEntry("echo")).toEqual({ ok: true, entry: { name: "echo", path: null } });
    expect(parseCommandAllowlistEntry("report=/opt/tools/report.sh")).toEqual({
      ok: true,
      entry: { name: "report", path: "/opt/tools/report.sh" },
    });
  });

  it.each([
    ["/bin/echo", /give the command a name and its path as name=\/abs\/path \(e\.g\. echo=\/bin\/echo\)/],
    ["ec ho", /not a command name/],
    ["../echo", /not a command name/],
    ["tool=bin/tool", /must be absolute/],
    ["tool=/opt/../bin/sh", /must be absolute/],
    ["=/bin/sh", /not a command name/],
  ])("refuses %s", (raw, message) => {
    const parsed = parseCommandAllowlistEntry(raw);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.problem).toMatch(message);
  });
});

describe("allowlist schemas", () => {
  const list = z.array(CommandAllowlistEntrySchema).superRefine(refineUniqueNames);

  it("refuses a name listed twice", () => {
    const result = list.safeParse(["echo", "echo=/bin/echo"]);
    expect(result.error?.issues[0]?.message).toBe('"echo" is listed twice');
  });

  it("refuses a search path with a relative or empty part (that would mean the working directory)", () => {
    expect(CommandSearchPathSchema.safeParse("/usr/bin:/bin").success).toBe(true);
    for (const bad of ["/usr/bin::/bin", "bin:/usr/bin", "/usr/bin:.", ""]) {
      expect(CommandSearchPathSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});
