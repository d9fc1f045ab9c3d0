import type { Logger } from "pino";

export type ShutdownHook = () => Promise<void>;

/**
 * One place that turns SIGINT/SIGTERM into an orderly stop: hooks run in registration order
 * (stop claiming work first, close connections last) within a deadline, after which the
 * process exits anyway so an orchestrator's kill never has to. A second signal exits at once.
 */
export class ShutdownManager {
  private readonly hooks: Array<{ name: string; run: ShutdownHook }> = [];
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly deadlineMs: number,
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {}

  register(name: string, run: ShutdownHook): void {
    this.hooks.push({ name, run });
  }

  listen(signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"]): void {
    for (const signal of signals) {
      process.on(signal, () => {
        if (this.stopping) {
          this.logger.warn({ signal }, "second signal: exiting now");
          this.exit(130);
          return;
        }
        void this.shutdown(signal);
      });
    }
  }

  /** Runs every hook once; resolves after exit has been requested. */
  shutdown(reason: string): Promise<void> {
    this.stopping ??= this.runHooks(reason);
    return this.stopping;
  }

  private async runHooks(reason: string): Promise<void> {
    this.logger.info({ reason, deadlineMs: this.deadlineMs }, "shutting down");
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"deadline">((resolve) => {
      timer = setTimeout(() => resolve("deadline"), this.deadlineMs);
    });
    const work = (async () => {
      let failed = false;
      for (const hook of this.hooks) {
        try {
          await hook.run();
        } catch (error) {
          failed = true;
          this.logger.error({ err: error, hook: hook.name }, "shutdown hook failed");
        }
      }
      return failed ? "failed" : "done";
    })();
    const outcome = await Promise.race([work, deadline]);
    clearTimeout(timer);
    if (outcome === "deadline")
      this.logger.error({ deadlineMs: this.deadlineMs }, "shutdown deadline passed");
    else this.logger.info({ outcome }, "stopped");
    this.exit(outcome === "done" ? 0 : 1);
  }
}
