import { createHash, type Hash } from "node:crypto";

export interface CapturedOutput {
  output: string;
  outputBytes: number;
  outputTruncated: boolean;
  outputDigest: string;
}

/**
 * Keeps the first `limitBytes` bytes of a run's output (stdout and stderr interleaved in arrival
 * order), counts every byte and digests all of them incrementally, kept or dropped.
 */
export class OutputCapture {
  private readonly hash: Hash = createHash("sha256");
  private readonly kept: Buffer[] = [];
  private readonly limitBytes: number;
  private keptBytes = 0;
  private totalBytes = 0;

  constructor(limitBytes: number) {
    this.limitBytes = Number.isFinite(limitBytes) ? Math.max(0, Math.floor(limitBytes)) : 0;
  }

  push(chunk: Buffer): void {
    this.hash.update(chunk);
    this.totalBytes += chunk.length;
    const room = this.limitBytes - this.keptBytes;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.kept.push(part);
    this.keptBytes += part.length;
  }

  /** The result so far; call once, when the output streams have closed. */
  finish(): CapturedOutput {
    const truncated = this.totalBytes > this.keptBytes;
    const bytes = Buffer.concat(this.kept, this.keptBytes);
    return {
      output: (truncated ? withoutPartialTrailingChar(bytes) : bytes).toString("utf8"),
      outputBytes: this.totalBytes,
      outputTruncated: truncated,
      outputDigest: `sha256:${this.hash.digest("hex")}`,
    };
  }
}

/** The digest of output that was never produced (a run that did not start). */
export function emptyOutput(): CapturedOutput {
  return new OutputCapture(0).finish();
}

/**
 * Drops a UTF-8 sequence cut in half by the limit, so a truncated output does not end in U+FFFD.
 * Only the last (at most 3) bytes are inspected; anything else invalid is left to the decoder.
 */
function withoutPartialTrailingChar(bytes: Buffer): Buffer {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.subarray(0, bytes.length - back) : bytes;
  }
  return bytes;
}
