export { type CapturedOutput, OutputCapture } from "./output-capture.ts";
export {
  type GroupTermination,
  isGroupAlive,
  signalGroup,
  terminateGroup,
  waitForGroupExit,
} from "./process-group.ts";
export type {
  SandboxProvider,
  SandboxRunRequest,
  SandboxRunResult,
  SandboxTermination,
} from "./sandbox-provider.ts";
export { SubprocessSandbox, type SubprocessSandboxOptions } from "./subprocess-sandbox.ts";
