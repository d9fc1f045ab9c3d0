export {
  createEngineHarness,
  type EngineHarness,
  TEST_COMMAND_POLICY,
  waitForTerminal,
} from "./engine-harness.ts";
export { idsFailingOn, legacyHistory, pollUntil, transitionHistory } from "./order-history.ts";
export { holdLegacyRow } from "./row-lock.ts";
