import { describe, expect, it } from "vitest";
import { OutputCapture } from "./output-capture.ts";
import { sha256 } from "./test-support.ts";

describe("OutputCapture", () => {
  it("keeps chunks in arrival order up to the limit and digests every byte", () => {
    const capture = new OutputCapture(8);
    for (const chunk of ["abc", "def", "ghi", "jkl"]) capture.push(Buffer.from(chunk));
    expect(capture.finish()).toEqual({
      output: "abcdefgh",
      outputBytes: 12,
      outputTruncated: true,
      outputDigest: sha256("abcdefghijkl"),
    });
  });

  it("is not truncated when output fits exactly", () => {
    const capture = new OutputCapture(6);
    capture.push(Buffer.from("abcdef"));
    expect(capture.finish()).toMatchObject({ output: "abcdef", outputBytes: 6, outputTruncated: false });
  });

  it("does not end a truncated output in half a UTF-8 character", () => {
    const capture = new OutputCapture(5);
    capture.push(Buffer.from("ab✓✓")); // ✓ is 3 bytes: the limit cuts the second one after 0 of 3
    expect(capture.finish().output).toBe("ab✓");
    const cutInside = new OutputCapture(4);
    cutInside.push(Buffer.from("ab✓"));
    expect(cutInside.finish()).toMatchObject({ output: "ab", outputBytes: 5, outputTruncated: true });
  });

  it("treats a zero, negative or NaN limit as keep-nothing", () => {
    for (const limit of [0, -5, Number.NaN]) {
      const capture = new OutputCapture(limit);
      capture.push(Buffer.from("data"));
      expect(capture.finish()).toMatchObject({ output: "", outputBytes: 4, outputTruncated: true });
    }
  });
});
