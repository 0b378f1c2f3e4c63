/**
 * Doctor for the server: one run at a time (each check boots a VM), results stored per binary as
 * the CLI does, so the capabilities the UI reads next carry them.
 */
import type { MeasuredFacts } from '@mpqemu/shared';
import type { CapabilityService } from '../probe/index.ts';
import { checkGuest, doctorGuest, type DoctorGuest } from './guest.ts';
import { runDoctor, type DoctorEvent, type DoctorMachine } from './run-doctor.ts';
import { binaryIdentity, loadMeasured, saveMeasured } from './store.ts';

interface DoctorRequest {
  models: readonly string[];
  machines: readonly DoctorMachine[];
  timeoutMs: number;
}

export type DoctorFeedEvent = DoctorEvent | { type: 'stored'; facts: MeasuredFacts };

export class DoctorBusy extends Error {
  constructor() {
    super('doctor is already running; wait for it to finish');
    this.name = 'DoctorBusy';
  }
}

export interface DoctorService {
  /** Runs the checks, yielding progress; ends with the stored facts. Aborting kills the VM. */
  run: (request: DoctorRequest, signal: AbortSignal) => AsyncGenerator<DoctorFeedEvent>;
  /** The stored facts of the current binary, or null. */
  measured: () => Promise<MeasuredFacts | null>;
  isRunning: () => boolean;
}

export function createDoctorService(options: {
  dataDir: string;
  capabilities: CapabilityService;
  guest?: DoctorGuest;
}): DoctorService {
  const guest = options.guest ?? doctorGuest();
  let running = false;
  return {
    isRunning: () => running,
    async measured() {
      const caps = await options.capabilities.get();
      return loadMeasured(options.dataDir, await binaryIdentity(caps.binary, caps.version));
    },
    async *run(request, signal) {
      if (running) throw new DoctorBusy();
      running = true;
      try {
        await checkGuest(guest);
        const caps = await options.capabilities.get();
        for await (const event of runDoctor({ caps, guest, ...request, signal })) {
          yield event;
          if (event.type === 'done') {
            const identity = await binaryIdentity(caps.binary, caps.version);
            yield {
              type: 'stored',
              facts: await saveMeasured(options.dataDir, identity, event.report),
            };
          }
        }
      } finally {
        running = false;
      }
    },
  };
}
