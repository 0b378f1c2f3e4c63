import { describe, expect, it } from 'vitest';
import { Topic } from './feed.ts';

describe('Topic', () => {
  it('yields the initial values, then live ones, and detaches on abort', async () => {
    const topic = new Topic<number>();
    const controller = new AbortController();
    const seen: number[] = [];
    const done = (async () => {
      for await (const v of topic.subscribe(controller.signal, () => [1])) {
        seen.push(v);
        if (v === 1) topic.emit(2);
        if (v === 2) setTimeout(() => controller.abort(), 5);
      }
    })();
    await done;
    expect(seen).toEqual([1, 2]);
    expect(topic.size).toBe(0);
  });
  it('ends subscriptions on close and when the consumer breaks', async () => {
    const topic = new Topic<string>();
    const signal = new AbortController().signal;
    const iterator = topic.subscribe(signal)[Symbol.asyncIterator]();
    const next = iterator.next();
    await Promise.resolve();
    topic.emit('a');
    expect(await next).toEqual({ value: 'a', done: false });
    await iterator.return?.();
    expect(topic.size).toBe(0);
    const other = topic.subscribe(signal)[Symbol.asyncIterator]();
    const pending = other.next();
    await Promise.resolve();
    topic.close();
    expect((await pending).done).toBe(true);
  });
});
