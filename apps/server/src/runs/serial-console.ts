/**
 * The guest's serial port, both ways. The main QEMU's console is a socketpair end it inherited
 * (the plan's `serialFd`); we hold the other end from the spawn on, so no early guest output is
 * lost. We keep a bounded backlog for late subscribers and forward keystrokes.
 */
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { Topic } from './feed.ts';
import { RingBuffer } from './ring-buffer.ts';

/**
 * Keystrokes and pastes: a megabyte paste is a mistake, not a keystroke. Refused, not queued
 * without bound; the API's input schema applies the same limit.
 */
export const MAX_CONSOLE_INPUT = 64 * 1024;

/** Keystrokes not sent: the console is not connected, or the input is over the limit. */
export class ConsoleRefused extends Error {
  override name = 'ConsoleRefused';
}

export class SerialConsole {
  readonly backlog: RingBuffer;
  readonly output = new Topic<string>();
  private socket: Socket | null = null;

  constructor(capacity: number) {
    this.backlog = new RingBuffer(capacity);
  }

  get connected(): boolean {
    return this.socket !== null && !this.socket.destroyed;
  }

  /** Starts reading our end of the console. */
  attach(socket: Socket): void {
    if (this.output.isClosed) {
      socket.destroy();
      return;
    }
    this.socket = socket;
    const decoder = new StringDecoder('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      this.backlog.push(chunk);
      const text = decoder.write(chunk);
      if (text !== '') this.output.emit(text);
    });
    socket.once('close', () => (this.socket = null));
  }

  /** Sends keystrokes; throws when the console is not connected or the input is too large. */
  write(data: string): void {
    if (Buffer.byteLength(data) > MAX_CONSOLE_INPUT) {
      throw new ConsoleRefused(`console input is limited to ${MAX_CONSOLE_INPUT} bytes per call`);
    }
    if (!this.connected) throw new ConsoleRefused('the guest console is not connected');
    this.socket?.write(data);
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
    this.output.close();
  }
}
