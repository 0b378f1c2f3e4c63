/**
 * The capabilities every consumer sees (validator, planner, palette): the probe of the binary plus
 * what doctor stored for that very binary. Read on every get(): the file is small, and a doctor
 * run or a QEMU upgrade takes effect without a restart.
 */
import type { CapabilityService, ProbeResult } from '../probe/index.ts';
import { binaryIdentity, loadMeasured } from './store.ts';

async function overlay(
  probe: ProbeResult,
  dataDir: string,
  log: (message: string) => void,
): Promise<ProbeResult> {
  const { measured: _stale, ...rest } = probe;
  let identity;
  try {
    identity = await binaryIdentity(probe.binary, probe.version);
  } catch {
    return rest;
  }
  const measured = await loadMeasured(dataDir, identity, (m) =>
    log(`doctor results ignored: ${m}`),
  );
  return measured ? { ...rest, measured } : rest;
}

/** Wraps a capability service so that its results carry this host's doctor measurements. */
export function withMeasured(
  service: CapabilityService,
  dataDir: string,
  log: (message: string) => void = () => undefined,
): CapabilityService {
  return {
    get: async (needs) => overlay(await service.get(needs), dataDir, log),
    refresh: async () => overlay(await service.refresh(), dataDir, log),
  };
}
