import { describe, expect, it } from 'vitest';
import { createInputQueue, MAX_INPUT_CHUNK } from './input-queue.ts';

describe('createInputQueue', () => {
  it('keeps order and joins keystrokes typed while a send is in flight', async () => {
    const sent: string[] = [];
    let release: () => void = () => {};
    const queue = createInputQueue(
      (data) =>
        new Promise<void>((resolve) => {
          sent.push(data);
          release = resolve;
        }),
    );
    queue.push('e');
    queue.push('c');
    queue.push('h');
    expect(sent).toEqual(['e']);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['e', 'ch']);
    release();
    await new Promise((r) => setTimeout(r, 0));
    queue.push('o');
    expect(sent).toEqual(['e', 'ch', 'o']);
  });

  it('goes on after a failed send', async () => {
    const sent: string[] = [];
    const errors: unknown[] = [];
    const queue = createInputQueue(
      (data) => {
        sent.push(data);
        return data === 'a' ? Promise.reject(new Error('gone')) : Promise.resolve();
      },
      (e) => errors.push(e),
    );
    queue.push('a');
    await new Promise((r) => setTimeout(r, 0));
    queue.push('b');
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['a', 'b']);
    expect(errors).toHaveLength(1);
  });
});

describe('createInputQueue with a large paste', () => {
  it('sends it in pieces no larger than MAX_INPUT_CHUNK, in order', async () => {
    const sent: string[] = [];
    const queue = createInputQueue((data) => {
      sent.push(data);
      return Promise.resolve();
    });
    const paste = 'x'.repeat(MAX_INPUT_CHUNK * 2 + 10);
    queue.push(paste);
    await new Promise((r) => setTimeout(r, 0));
    expect(sent.map((s) => s.length)).toEqual([MAX_INPUT_CHUNK, MAX_INPUT_CHUNK, 10]);
    expect(sent.join('')).toBe(paste);
  });
});
