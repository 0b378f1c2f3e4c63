/**
 * The base procedure's error middleware, on procedures that throw the services' real error
 * classes: each refusal leaves with its code, message and cause, from queries and from feeds,
 * and over HTTP with the details the web app reads.
 */
import type { Problem } from '@mpqemu/shared';
import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Context } from './context.ts';
import { DoctorBusy } from './doctor/service.ts';
import { ImageCreateError } from './images/create.ts';
import { QemuImgMissing } from './images/service.ts';
import { QemuNotFoundError } from './probe/index.ts';
import { appRouter } from './router/index.ts';
import { ConsoleRefused } from './runs/serial-console.ts';
import { LiveFailed, LiveRefused, QmpRefused, StartRefused, UnknownRun } from './runs/types.ts';
import { StoreError } from './store/errors.ts';
import { SettingsError } from './store/settings.ts';
import { createCallerFactory, feedPaths, feedProcedure, publicProcedure, router } from './trpc.ts';

const problem: Problem = {
  code: 'pci.slot-taken',
  severity: 'error',
  message: 'slot 5 is taken',
  path: 'devices.0.slot',
  nodeIds: ['nic0'],
};

const fieldError = { path: 'vm.machine', message: 'Required' };

/** Each refusal, the code and the message the client gets for it. */
const REFUSALS: [Error, TRPCError['code'], string][] = [
  [new StoreError('invalid-name', 'Bad name.'), 'BAD_REQUEST', 'Bad name.'],
  [new StoreError('not-found', 'No such.'), 'NOT_FOUND', 'No such.'],
  [new StoreError('exists', 'Taken.'), 'CONFLICT', 'Taken.'],
  [new StoreError('broken', 'Broken.', [fieldError]), 'UNPROCESSABLE_CONTENT', 'Broken.'],
  [new StartRefused('Refused.', [problem]), 'BAD_REQUEST', 'Refused.'],
  [new UnknownRun('r1', 'rp0'), 'NOT_FOUND', 'Run "r1" has no process "rp0".'],
  [new LiveRefused('Not live.'), 'PRECONDITION_FAILED', 'Not live.'],
  [new LiveFailed('Plug failed.'), 'INTERNAL_SERVER_ERROR', 'Plug failed.'],
  [new QmpRefused('Never.', 'not-allowed'), 'BAD_REQUEST', 'Never.'],
  [new QmpRefused('Not now.', 'unavailable'), 'PRECONDITION_FAILED', 'Not now.'],
  [new ConsoleRefused('Not connected.'), 'PRECONDITION_FAILED', 'Not connected.'],
  [new QemuNotFoundError('qemu-x', 'not on PATH'), 'PRECONDITION_FAILED', 'QEMU binary "qemu-x"'],
  [new QemuImgMissing(), 'PRECONDITION_FAILED', 'qemu-img not found'],
  [new ImageCreateError('bad', 'name', 'invalid'), 'BAD_REQUEST', 'name: bad'],
  [new ImageCreateError('there', 'name', 'exists'), 'CONFLICT', 'name: there'],
  [new ImageCreateError('io', 'root', 'failed'), 'INTERNAL_SERVER_ERROR', 'root: io'],
  [new SettingsError('must be absolute', 2), 'BAD_REQUEST', 'imageRoots.2: must be absolute'],
  [new DoctorBusy(), 'CONFLICT', 'doctor is already running'],
];

const Pick = z.strictObject({ i: z.int().min(0) });
const thrown = (i: number): Error => REFUSALS[i]?.[0] ?? new Error(`fault ${i}`);
let resolverCalls = 0;

const testRouter = router({
  query: publicProcedure.input(Pick).query(({ input }): null => {
    throw thrown(input.i);
  }),
  trpcError: publicProcedure.query((): null => {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'No.', cause: new UnknownRun('r') });
  }),
  /** Refuses when called, as the launcher's feeds do for an unknown run. */
  feedRefusedAtCall: feedProcedure.input(Pick).subscription(({ input }): AsyncIterable<number> => {
    resolverCalls++;
    throw thrown(input.i);
  }),
  /** Refuses at its first value, as an async generator's body does. */
  feedRefusedAtFirst: feedProcedure.input(Pick).subscription(async function* ({ input }) {
    resolverCalls++;
    await Promise.resolve();
    yield* [];
    throw thrown(input.i);
  }),
  feedRefusedLater: feedProcedure.input(Pick).subscription(async function* ({ input }) {
    yield await Promise.resolve(1);
    throw thrown(input.i);
  }),
  undeclaredFeed: publicProcedure.subscription(async function* () {
    yield await Promise.resolve(1);
  }),
  feedThatIsAQuery: feedProcedure.query(() => 1),
});

// The procedures above read nothing of the context.
const caller = createCallerFactory(testRouter)({} as Context);

async function rejection(p: Promise<unknown>): Promise<TRPCError> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(e)}`);
  return e;
}

async function drain(feed: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of feed);
}

describe('refusals through the base procedure', () => {
  it.each(REFUSALS.map((r, i) => [r[0].name, i, ...r] as const))(
    '%s (#%i) leaves a query as its code, message and cause',
    async (_name, i, error, code, message) => {
      const e = await rejection(caller.query({ i }));
      expect(e.code).toBe(code);
      expect(e.message).toContain(message);
      expect(e.cause).toBe(error);
    },
  );

  it('leaves a fault a fault, and a TRPCError thrown on purpose as it is', async () => {
    const fault = await rejection(caller.query({ i: REFUSALS.length }));
    expect(fault.code).toBe('INTERNAL_SERVER_ERROR');
    expect(fault.message).toBe(`fault ${REFUSALS.length}`);
    const own = await rejection(caller.trpcError());
    expect(own.code).toBe('FORBIDDEN');
  });

  it.each(REFUSALS.map((r, i) => [r[0].name, i, r[1]] as const))(
    '%s (#%i) leaves a feed as its code, whenever it is thrown',
    async (_name, i, code) => {
      expect((await rejection(caller.feedRefusedAtCall({ i }))).code).toBe(code);
      const first = await caller.feedRefusedAtFirst({ i });
      expect((await rejection(drain(first))).code).toBe(code);
      const later = await caller.feedRefusedLater({ i });
      expect((await rejection(drain(later))).code).toBe(code);
    },
  );

  it('refuses bad input to a feed before its resolver runs', async () => {
    const before = resolverCalls;
    const e = await rejection(caller.feedRefusedAtFirst({ i: -1 }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(resolverCalls).toBe(before);
  });

  it('refuses a subscription not built on feedProcedure, and a feed that is not one', async () => {
    const undeclared = await rejection(caller.undeclaredFeed());
    expect(undeclared.code).toBe('INTERNAL_SERVER_ERROR');
    expect(undeclared.message).toContain('undeclaredFeed: subscriptions, and only they');
    expect((await rejection(caller.feedThatIsAQuery())).code).toBe('INTERNAL_SERVER_ERROR');
  });

  it("finds the app's feeds by their meta", () => {
    expect([...feedPaths(appRouter)].sort()).toEqual([
      'doctor.run',
      'runs.console',
      'runs.events',
      'runs.logs',
      'runs.stats',
    ]);
  });
});

describe('refusals over HTTP', () => {
  async function post(path: string, input: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetchRequestHandler({
      endpoint: '/trpc',
      router: testRouter,
      createContext: () => ({}) as Context,
      req: new Request(`http://localhost/trpc/${path}?input=${JSON.stringify(input)}`),
    });
    return { status: res.status, body: await res.json() };
  }

  it('carries the problems of a refused start and the field errors of a broken file', async () => {
    const start = REFUSALS.findIndex(([e]) => e instanceof StartRefused);
    expect(await post('query', { i: start })).toMatchObject({
      status: 400,
      body: {
        error: {
          message: 'Refused.',
          data: { code: 'BAD_REQUEST', details: { problems: [problem], fieldErrors: [] } },
        },
      },
    });
    const broken = REFUSALS.findIndex(([e]) => e instanceof StoreError && e.kind === 'broken');
    expect(await post('query', { i: broken })).toMatchObject({
      status: 422,
      body: { error: { data: { details: { fieldErrors: [fieldError], problems: [] } } } },
    });
  });

  it('words bad input field by field', async () => {
    const input = await post('query', { i: -1 });
    expect(input).toMatchObject({
      status: 400,
      body: {
        error: {
          message: 'Invalid input: i: Too small: expected number to be >=0',
          data: { details: { fieldErrors: [{ path: 'i' }], problems: [] } },
        },
      },
    });
  });
});
