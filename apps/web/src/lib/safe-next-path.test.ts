import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_NEXT_PATH_LENGTH, safeNextPath } from "./safe-next-path";

// Issue 14, item 1: `next` is judged as a browser parses it, so no variant leaves the console.

const CONSOLE = "https://console.example";

/** Where a browser on the console lands when it is sent to `target` (window.location.assign / Location). */
const landing = (target: string) => new URL(target, `${CONSOLE}/sign-in`);

describe("safeNextPath refuses anything a browser would take off the console", () => {
  const hostile: Array<[string, string]> = [
    ["a tab the browser drops", "/\t/evil.example"],
    ["a line feed the browser drops", "/\n/evil.example"],
    ["a carriage return the browser drops", "/\r/evil.example"],
    ["a tab inside the host part", "/\t\t/evil.example/path"],
    ["a percent-encoded tab", "/%09/evil.example"],
    ["a percent-encoded line feed", "/%0a/evil.example"],
    ["a percent-encoded carriage return", "/%0D/evil.example"],
    ["a slash and a backslash", "/\\evil.example"],
    ["two backslashes", "\\\\evil.example"],
    ["a backslash and a slash", "\\/evil.example"],
    ["a protocol-relative URL", "//evil.example"],
    ["three slashes", "///evil.example"],
    ["an encoded second slash", "/%2F/evil.example"],
    ["an encoded backslash", "/%5C/evil.example"],
    ["a dot segment that leaves two slashes", "/.//evil.example"],
    ["dot segments that climb to two slashes", "/a/../..//evil.example"],
    ["backslash dot segments", "/a\\..\\..\\\\evil.example"],
    ["javascript:", "javascript:alert(document.cookie)"],
    ["JavaScript: with a leading space", " javascript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["an absolute URL to another origin", "https://evil.example/overview"],
    ["an absolute URL with a tab in the scheme", "ht\ttps://evil.example/"],
    ["userinfo before another host", "//console.example@evil.example"],
    ["a leading space before two slashes", " //evil.example"],
    ["a NUL byte", "/overview\u0000"],
    ["CR/LF that would split a header", "/overview\r\nSet-Cookie: session=stolen"],
    ["the sign-in page itself", "/sign-in?next=/overview"],
    ["the sign-in page, encoded", "/%73ign-in"],
    ["the password page", "/change-password?next=/rollout"],
    ["a relative path", "evil.example"],
  ];

  for (const [name, value] of hostile) {
    it(`${name}: ${JSON.stringify(value)}`, () => {
      expect(safeNextPath(value)).toBe("/overview");
    });
  }

  it("nothing, an empty value or a value far longer than any console page", () => {
    expect(safeNextPath(undefined)).toBe("/overview");
    expect(safeNextPath(null)).toBe("/overview");
    expect(safeNextPath("")).toBe("/overview");
    expect(safeNextPath(`/work-orders?q=${"a".repeat(MAX_NEXT_PATH_LENGTH)}`)).toBe("/overview");
    // Short before encoding, too long after: 600 emoji are 7,200 characters once percent-encoded.
    expect(safeNextPath(`/${"😀".repeat(600)}`)).toBe("/overview");
    expect(safeNextPath("//evil.example", "/rollout")).toBe("/rollout");
  });
});

describe("safeNextPath keeps the pages of the console", () => {
  it("a path with its filters and fragment, unchanged", () => {
    expect(safeNextPath("/work-orders?state=FAILED&x=1#frag")).toBe("/work-orders?state=FAILED&x=1#frag");
    expect(safeNextPath("/rollout")).toBe("/rollout");
    expect(safeNextPath("/overview?window=1h")).toBe("/overview?window=1h");
    expect(safeNextPath("/audit?q=a%2Fb")).toBe("/audit?q=a%2Fb");
  });

  it("a path that only looks odd stays a path on the console", () => {
    expect(safeNextPath("/@evil.example")).toBe("/@evil.example");
    expect(safeNextPath("/javascript:alert(1)")).toBe("/javascript:alert(1)");
    expect(safeNextPath("/work-orders?next=//evil.example")).toBe("/work-orders?next=//evil.example");
    expect(safeNextPath("/a/../rollout")).toBe("/rollout");
  });

  it("non-Latin-1 characters come back percent-encoded, so a Location header accepts them", () => {
    expect(safeNextPath("/überblick")).toBe("/%C3%BCberblick");
    expect(safeNextPath("/work-orders?q=😀#ö")).toBe("/work-orders?q=%F0%9F%98%80#%C3%B6");
  });
});

describe("whatever the input, the browser stays on the console", () => {
  // Strings built from the characters that matter to URL parsing, plus anything else.
  const risky = fc.constantFrom(
    "/",
    "\\",
    "\t",
    "\n",
    "\r",
    " ",
    ".",
    ":",
    "@",
    "?",
    "#",
    "%",
    "%2F",
    "%5C",
    "%09",
    "evil.example",
    "javascript:",
    "https:",
    "ü",
    "😀",
  );
  const next = fc.oneof(
    fc.array(risky, { maxLength: 12 }).map((parts) => parts.join("")),
    fc.string({ unit: "binary", maxLength: 40 }),
  );

  it("lands on the console's origin, with a header-safe ASCII target that means itself", () => {
    fc.assert(
      fc.property(next, (value) => {
        const target = safeNextPath(value);
        expect(landing(target).origin).toBe(CONSOLE);
        expect(target).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
        expect(safeNextPath(target)).toBe(target);
      }),
      { numRuns: 5_000 },
    );
  });
});
