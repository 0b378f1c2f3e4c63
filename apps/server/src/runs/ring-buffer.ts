/** A byte buffer that keeps the newest `capacity` bytes and counts what it dropped. */
export class RingBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  dropped = 0;

  constructor(readonly capacity: number) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.capacity) {
      const first = this.chunks[0];
      if (!first) break;
      const excess = this.size - this.capacity;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        // Copy, so the dropped front of a large chunk is really freed.
        this.chunks[0] = Buffer.from(first.subarray(excess));
        this.size -= excess;
        this.dropped += excess;
      }
    }
  }

  get length(): number {
    return this.size;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** The last `count` non-empty lines, for a failure message. */
  tailLines(count: number): string[] {
    const lines = this.text()
      .split('\n')
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l.trim() !== '');
    return lines.slice(-count);
  }
}
