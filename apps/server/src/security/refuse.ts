import type { Response } from 'express';

/** A refusal in plain text: the message says what was refused and why, never echoing secrets. */
export function refuse(res: Response, status: number, message: string): void {
  res.status(status).type('text/plain; charset=utf-8').send(`${message}\n`);
}
