/**
 * Natural batching for writes: items that arrive while a batch is being written form the next
 * batch (with `concurrency` > 1, up to that many batches are in flight at once). An idle system writes each item at once; a busy one writes many per round trip and per
 * commit. The writer returns one result (or Error) per item, in order.
 */
export class GroupCommit<T, R> {
  private queue: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private writers = 0;

  constructor(
    private readonly writeBatch: (items: T[]) => Promise<Array<R | Error>>,
    private readonly options: {
      maxBatch: number;
      /** Items with the same key never share a batch (one order's steps stay in sequence). */
      key?: (item: T) => string;
      /** Used item by item when a whole batch fails, to isolate the bad item. */
      writeOne?: (item: T) => Promise<R>;
      /** Batches written at the same time (each on its own connection). @defaultValue 1 */
      concurrency?: number;
    },
  ) {}

  push(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.writers < (this.options.concurrency ?? 1)) {
        this.writers += 1;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.take();
      try {
        const results = await this.writeBatch(batch.map((b) => b.item));
        batch.forEach((b, i) => {
          const result = results[i];
          if (result instanceof Error) b.reject(result);
          else b.resolve(result as R);
        });
      } catch (error) {
        const { writeOne } = this.options;
        if (!writeOne) for (const b of batch) b.reject(error);
        else await Promise.all(batch.map((b) => writeOne(b.item).then(b.resolve, b.reject)));
      }
    }
    this.writers -= 1;
  }

  private take() {
    const { maxBatch, key } = this.options;
    const batch: typeof this.queue = [];
    const rest: typeof this.queue = [];
    const keys = new Set<string>();
    for (const entry of this.queue) {
      const k = key?.(entry.item);
      if (batch.length < maxBatch && (k === undefined || !keys.has(k))) {
        if (k !== undefined) keys.add(k);
        batch.push(entry);
      } else {
        rest.push(entry);
      }
    }
    this.queue = rest;
    return batch;
  }
}
