import { TRPCError } from '@trpc/server';

/** The TRPCError `p` rejects with; fails the test when it resolves or rejects with anything else. */
export async function trpcError(p: Promise<unknown>): Promise<TRPCError> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(e)}`);
  return e;
}
