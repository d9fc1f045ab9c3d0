import { Writable } from "node:stream";
import { createLogger } from "@qmc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routingSaltsSeen } from "./log-secrets.ts";
import { type ApiHarness, createApiHarness } from "./testing/api-harness.ts";
import { rawCall } from "./testing/raw-call.ts";

/**
 * The routing salt never appears in a log line of the web process — not even when a failure
 * whose driver error quotes the row (Postgres: "Failing row contains (…, <salt>, …)") is logged
 * as a 500. The logger is wired as apps/web wires it and its output captured.
 */
let h: ApiHarness;
let operator: string;
let admin: string;
const lines: string[] = [];

beforeAll(async () => {
  h = await createApiHarness("log_secrets");
  [operator, admin] = await Promise.all([h.tokenFor("OPERATOR"), h.tokenFor("ADMIN")]);
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const { liveConfig } = h.web.services;
  h.web.services.logger = createLogger("web", "info", {
    destination,
    secrets: routingSaltsSeen(() => liveConfig.current().salt),
  });
});
afterAll(() => h.close());

describe("the routing salt in logs", () => {
  it("appears in no log line, including the 500 of a write the database refused", async () => {
    const initialSalt = h.web.services.liveConfig.current().salt;
    const newSalt = "TestRoutingSalt-0123456789";
    const set = await rawCall(
      h.web.url,
      "rollout.setSalt",
      "mutation",
      { salt: newSalt, reason: "rotate for the test" },
      { token: admin },
    );
    expect(set.status).toBe(200);

    // A change whose row Postgres refuses: its error detail quotes the whole row, salt included.
    await h.engine.db.prisma.$executeRawUnsafe(
      `alter table "QueueConfig" add constraint test_refuse check (reason <> 'refuse me')`,
    );
    const refused = await rawCall(
      h.web.url,
      "rollout.set",
      "mutation",
      { useNewQueueSystem: true, reason: "refuse me" },
      { token: operator },
    );
    expect(refused.status).toBe(500);
    expect(refused.error?.message).toBe("Internal error; it has been logged.");
    expect(refused.text).not.toMatch(/Failing row|23514|prisma|check constraint/i);

    // superjson's undefined for a flag once reached Prisma, whose message prints the whole row.
    const undefinedFlag = await rawCall(
      h.web.url,
      "rollout.set",
      "mutation",
      { useNewQueueSystem: undefined, reason: "undefined flag" },
      { token: operator },
    );
    expect(undefinedFlag.status).toBe(400);

    // An admin is shown the salt (rollout.setSalt answers with it); failures never carry it.
    expect(refused.text).not.toContain(newSalt);
    expect(undefinedFlag.text).not.toContain(newSalt);

    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const failure = logged.find((l) => l.level === 50 && l.path === "rollout.set");
    expect(failure, "the 500 was logged").toBeDefined();
    expect(JSON.stringify(failure)).toContain("23514"); // with the cause an operator needs
    const leaking = lines.filter((line) => line.includes(newSalt) || line.includes(initialSalt));
    expect(leaking).toEqual([]);
  });
});
