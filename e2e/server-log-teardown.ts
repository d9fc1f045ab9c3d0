import { existsSync, readFileSync } from "node:fs";
import { describeLine, serverErrorLines, WEB_SERVER_LOG } from "./server-log.ts";

const SHOWN = 20;

/**
 * Fails the run when the web server logged an error while the specs ran: a page can look right
 * in the browser while its server render failed and the browser fetched the data again (issue 14,
 * item 5c). Runs before Playwright stops the web server, whichever specs were chosen.
 */
export default function checkWebServerLog(): void {
  if (!existsSync(WEB_SERVER_LOG)) {
    throw new Error(`The web server's log is missing (${WEB_SERVER_LOG}): its errors could not be checked.`);
  }
  const errors = serverErrorLines(readFileSync(WEB_SERVER_LOG, "utf8"));
  if (errors.length === 0) return;
  const shown = errors.slice(0, SHOWN).map((line) => `  ${describeLine(line)}`);
  const more = errors.length > SHOWN ? [`  … and ${errors.length - SHOWN} more`] : [];
  throw new Error(
    [
      `The web server logged ${errors.length} error line(s) during the run (all of them in ${WEB_SERVER_LOG}):`,
      ...shown,
      ...more,
      "Fix the cause, or, if a spec provokes it on purpose, add it to EXPECTED_ERROR_LINES in e2e/server-log.ts with the reason.",
    ].join("\n"),
  );
}
