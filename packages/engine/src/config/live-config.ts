import type { QueueConfigChange } from "@qmc/core";
import type { PrismaClient } from "@qmc/db";
import type { Logger } from "@qmc/runtime";
import { configChangeChannel, type Redis } from "@qmc/transport";
import {
  type ChangeContext,
  changeConfig,
  type QueueConfigVersion,
  readLiveConfig,
  readLiveVersion,
} from "./config-store.ts";

export interface LiveConfigOptions {
  /** Catch-up poll of the version number, for messages missed while disconnected. @defaultValue 1000 */
  pollMs?: number;
}

/**
 * This process's copy of the live configuration. A change is committed to Postgres, then its
 * version is published; every process reloads on the message, and a 1 s poll of the version
 * number catches up anything missed — so a change takes effect everywhere within 2 s, with no
 * restart, and versions never go backwards.
 */
export class LiveConfig {
  private config: QueueConfigVersion | null = null;
  private poller: NodeJS.Timeout | null = null;
  private unsubscribe: (() => Promise<void>) | null = null;
  private reloading: Promise<void> | null = null;
  private readonly listeners = new Set<(config: QueueConfigVersion) => void>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly subscriber: Redis,
    private readonly publisher: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly options: LiveConfigOptions = {},
  ) {}

  async start(): Promise<void> {
    this.config = await readLiveConfig(this.prisma);
    this.unsubscribe = await configChangeChannel(this.prefix).subscribe(this.subscriber, ({ version }) => {
      if (version > (this.config?.version ?? 0)) void this.reload();
    });
    this.poller = setInterval(() => void this.catchUp(), this.options.pollMs ?? 1000);
    this.poller.unref();
  }

  async stop(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    await this.unsubscribe?.().catch(() => {});
    await this.reloading;
  }

  current(): QueueConfigVersion {
    if (!this.config) throw new Error("LiveConfig.current() before start()");
    return this.config;
  }

  onChange(listener: (config: QueueConfigVersion) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Commits a change, applies it here at once, and tells every other process. */
  async change(change: QueueConfigChange, context: ChangeContext): Promise<QueueConfigVersion> {
    const next = await changeConfig(this.prisma, change, context);
    this.accept(next);
    await configChangeChannel(this.prefix)
      .publish(this.publisher, { version: next.version })
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, "config publish failed; others catch up by polling"),
      );
    return next;
  }

  private async catchUp(): Promise<void> {
    try {
      if ((await readLiveVersion(this.prisma)) > (this.config?.version ?? 0)) await this.reload();
    } catch (error) {
      this.logger.warn({ err: error }, "config catch-up poll failed");
    }
  }

  private reload(): Promise<void> {
    this.reloading ??= readLiveConfig(this.prisma)
      .then((config) => this.accept(config))
      .catch((error: unknown) => this.logger.warn({ err: error }, "config reload failed"))
      .finally(() => {
        this.reloading = null;
      });
    return this.reloading;
  }

  /** Versions only move forward, whatever order messages and reloads arrive in. */
  private accept(config: QueueConfigVersion): void {
    if (this.config && config.version <= this.config.version) return;
    this.config = config;
    this.logger.info({ version: config.version }, "config version live");
    for (const listener of this.listeners) listener(config);
  }
}
