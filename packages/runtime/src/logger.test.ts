import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, REDACTED, serializeError } from "./logger.ts";

function capture(secrets?: () => Iterable<string>) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger("test", "info", { destination, ...(secrets ? { secrets } : {}) });
  return { logger, lines };
}

describe("createLogger", () => {
  it("redacts salt, password and token keys at the first three levels", () => {
    const { logger, lines } = capture();
    logger.info(
      { salt: "a", config: { salt: "b" }, change: { after: { salt: "c" } }, password: "p", token: "t" },
      "x",
    );
    const line = JSON.parse(lines[0] ?? "{}");
    expect(line).toMatchObject({
      salt: REDACTED,
      config: { salt: REDACTED },
      change: { after: { salt: REDACTED } },
      password: REDACTED,
      token: REDACTED,
    });
  });

  it("scrubs secret values from every line, whatever carries them (messages, stacks, JSON escapes)", () => {
    let salt = "0123456789abcdef";
    const { logger, lines } = capture(() => [salt, 'a"quoted"secret']);
    logger.error({ err: new Error(`query failed: salt: "${salt}"`) }, `while writing ${salt}`);
    logger.info({ note: 'a"quoted"secret' }, "escaped");
    salt = "rotated-salt-value";
    logger.info(`now ${salt}`);
    expect(lines.join("")).not.toMatch(/0123456789abcdef|quoted\\"secret|rotated-salt-value/);
    expect(lines.join("")).toContain(REDACTED);
  });

  it("scrubs short secrets only as whole words, and ignores ones under 3 characters", () => {
    const { logger, lines } = capture(() => ["abc1", "z"]);
    logger.info("abc1 and xabc12 and z");
    expect(JSON.parse(lines[0] ?? "{}").msg).toBe(`${REDACTED} and xabc12 and z`);
  });
});

describe("serializeError", () => {
  it("keeps type, message, stack, primitive fields and the cause chain; drops carried objects", () => {
    const cause = Object.assign(new Error("driver"), { code: "23514", meta: { row: "secret row" } });
    const error = Object.assign(new Error("outer", { cause }), {
      details: { config: { salt: "s" } },
      clientVersion: "7.10.0",
    });
    const out = serializeError(error) as Record<string, unknown>;
    expect(out).toMatchObject({ type: "Error", message: "outer", clientVersion: "7.10.0" });
    expect(out.details).toBeUndefined();
    expect(out.cause).toMatchObject({ message: "driver", code: "23514" });
    expect(JSON.stringify(out)).not.toContain("secret row");
  });
});
