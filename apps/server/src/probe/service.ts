/**
 * The capability probe as a service: answered from memory, then from the data directory's cache
 * (keyed by host-key.ts), and only then by asking the binary. The KVM boot check (seconds, and up
 * to its timeout on a host whose KVM cannot boot a guest) runs only for callers that need KVM.
 */
import { existsSync } from 'node:fs';
import type { IsolationMode, JailSupport } from '@mpqemu/shared';
import { open } from 'node:fs/promises';
import { resolveQemu } from './binary.ts';
import { hostMemoryMiB, probeBinary, versionLine, type BinaryProbe } from './binary-probe.ts';
import { findByIdentity, findEntry, readCache, writeCacheEntry } from './cache-file.ts';
import { hostIdentity, type HostIdentity, type HostKey } from './host-key.ts';
import { probeJail } from './jail.ts';
import { checkKvm, type KvmCheck, type KvmGuest } from './kvm.ts';
import { assembleResult, type ProbeResult, type ProbeStep } from './result.ts';
import { GUEST_DIR } from '../repo-paths.ts';

export interface ProbeOptions {
  /** Kernel to boot for the KVM check; default: the repository's test guest when built. */
  kvmGuest?: KvmGuest | null;
  kvmTimeoutMs?: number;
  /** Per help command. */
  commandTimeoutMs?: number;
}

export interface CapabilityServiceOptions extends ProbeOptions {
  /** Keeps the probe in `<dataDir>/capabilities.json` across processes; memory only without it. */
  dataDir?: string;
  /** The server's isolation setting, carried in every answer (Capabilities.isolation). */
  isolation?: IsolationMode;
  /** Told when the cache cannot be written (the answer is still given). */
  log?: (message: string) => void;
}

interface CapabilityNeeds {
  /** Wait for the KVM boot check (default true); false for a topology that runs under TCG. */
  kvm?: boolean;
}

export interface CapabilityService {
  /** The probe, cached; concurrent callers share one probe. */
  get: (needs?: CapabilityNeeds) => Promise<ProbeResult>;
  /** Asks the binary again, KVM check included, and replaces both caches. */
  refresh: () => Promise<ProbeResult>;
}

interface Known {
  identity: string;
  key: HostKey;
  probe: BinaryProbe;
  source: 'cache' | 'probe' | 'refresh';
  memory: number | null;
  kvm: KvmCheck | null;
  kvmCheck: Promise<KvmCheck> | null;
  results: Map<boolean, ProbeResult>;
}

function defaultGuest(): KvmGuest | null {
  const kernel = `${GUEST_DIR}vmlinuz`;
  const initrd = `${GUEST_DIR}initrd.gz`;
  if (!existsSync(kernel) || !existsSync(initrd)) return null;
  // no_timer_check: on a loaded host the emulated timer can look broken to the kernel's boot
  // check, which then panics ("IO-APIC + timer doesn't work"); the examples boot the same way.
  return {
    kernel,
    initrd,
    append: 'console=ttyS0 quiet no_timer_check',
    banner: 'mpqemu-guest: booted',
  };
}

/** True when `path` starts with the ELF magic, i.e. is a real binary rather than a script. */
async function isElf(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
      return bytesRead === 4 && buffer.toString('latin1') === '\x7fELF';
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

async function timed<T>(steps: ProbeStep[], step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    steps.push({ step, ms: Math.round((performance.now() - started) * 10) / 10 });
  }
}

/** Caches the probe (see the module comment); a failed probe is not cached, so installing QEMU fixes it live. */
export function createCapabilityService(
  binary: string,
  options: CapabilityServiceOptions = {},
): CapabilityService {
  const timeout = options.commandTimeoutMs ?? 15_000;
  const { dataDir } = options;
  let current: Promise<Known> | null = null;
  let resolved: { key: string; path: string } | null = null;
  let currentIdentity = '';
  // Tried once per binary when it works; a failed try is tried again at the next ask, so that
  // installing bubblewrap or enabling user namespaces fixes it live. Never written to the cache:
  // it is about this host and this server's uid, not about the binary.
  let jailTry: { path: string; support: Promise<JailSupport> } | null = null;

  function jailFor(path: string, steps: ProbeStep[]): Promise<JailSupport> {
    if (jailTry?.path !== path) {
      const support = timed(steps, 'try a jail (bwrap running qemu -version)', () =>
        probeJail(path, timeout),
      );
      jailTry = { path, support };
      void support.then((s) => {
        if (!s.usable && jailTry?.support === support) jailTry = null;
      });
    }
    return jailTry.support;
  }

  async function save(known: Known): Promise<void> {
    if (dataDir === undefined) return;
    const entry = { key: known.key, probe: known.probe, ...(known.kvm ? { kvm: known.kvm } : {}) };
    await writeCacheEntry(dataDir, entry).catch((e: unknown) =>
      options.log?.(`cannot write the capability cache: ${(e as Error).message}`),
    );
  }

  async function load(
    path: string,
    identity: HostIdentity,
    steps: ProbeStep[],
    refresh: boolean,
  ): Promise<Known> {
    const memory = hostMemoryMiB();
    const base = { identity: JSON.stringify(identity), kvmCheck: null, results: new Map() };
    if (!refresh && dataDir !== undefined) {
      const [entries, elf] = await Promise.all([
        timed(steps, 'read capability cache', () => readCache(dataDir)),
        isElf(path),
      ]);
      // An ELF binary carries its version: same file, same version, so the identity is the key.
      // A wrapper script keeps its size and mtime when the QEMU it runs changes: ask it.
      let entry = elf ? findByIdentity(entries, identity) : undefined;
      if (!elf) {
        const line = await timed(steps, 'qemu -version (wrapper: cache key)', () =>
          versionLine(path, timeout),
        );
        entry = findEntry(entries, { ...identity, versionLine: line });
      }
      if (entry) {
        return {
          ...base,
          key: entry.key,
          probe: entry.probe,
          source: 'cache',
          memory: await memory,
          kvm: entry.kvm ?? null,
        };
      }
    }
    const probe = await timed(steps, 'probe the binary (help outputs)', () =>
      probeBinary(path, timeout),
    );
    const known: Known = {
      ...base,
      key: { ...identity, versionLine: probe.versionLine },
      probe,
      source: refresh ? 'refresh' : 'probe',
      memory: await memory,
      kvm: null,
    };
    await timed(steps, 'write capability cache', () => save(known));
    return known;
  }

  function kvmOf(known: Known): Promise<KvmCheck> {
    if (known.kvm) return Promise.resolve(known.kvm);
    if (!known.probe.kvm) {
      known.kvm = {
        usable: false,
        method: 'none',
        reason: `${known.probe.binary} was built without KVM`,
        durationMs: 0,
      };
      return Promise.resolve(known.kvm);
    }
    known.kvmCheck ??= (async () => {
      const guest = options.kvmGuest === undefined ? defaultGuest() : options.kvmGuest;
      const check = await checkKvm(known.probe.binary, guest, options.kvmTimeoutMs ?? 5_000);
      known.kvm = check;
      known.results.clear();
      await save(known);
      return check;
    })();
    return known.kvmCheck;
  }

  async function answer(refresh: boolean, needs: CapabilityNeeds): Promise<ProbeResult> {
    const started = performance.now();
    const steps: ProbeStep[] = [];
    const pathKey = `${process.env.PATH ?? ''}\0${binary}`;
    let path = resolved?.key === pathKey && !refresh ? resolved.path : null;
    let identity: HostIdentity | null = null;
    if (path !== null) {
      // The path found last time, if it is still there: a walk over PATH on every launch is
      // what the server's launch overhead is made of.
      const known = path;
      identity = await timed(steps, 'stat the binary and /dev/kvm', () =>
        hostIdentity(known).catch(() => null),
      );
    }
    if (path === null || identity === null) {
      path = await timed(steps, 'resolve the binary', () => resolveQemu(binary));
      const found = path;
      identity = await timed(steps, 'stat the binary and /dev/kvm', () => hostIdentity(found));
      resolved = { key: pathKey, path };
    }
    const id = JSON.stringify(identity);
    if (refresh || current === null || currentIdentity !== id) {
      const attempt = load(path, identity, steps, refresh);
      current = attempt;
      currentIdentity = id;
      attempt.catch(() => {
        if (current === attempt) current = null;
      });
    }
    const [known, jail] = await Promise.all([current, jailFor(path, steps)]);
    const wantKvm = needs.kvm !== false;
    // Recorded only when the boot really runs (or is awaited): a cached answer costs nothing.
    if (wantKvm && known.kvm === null) {
      await timed(steps, 'kvm check (boot a guest under KVM)', () => kvmOf(known));
    }
    const withKvm = known.kvm !== null;
    // The same answer object while nothing changed: callers may compare by identity.
    const cached = known.results.get(withKvm);
    if (cached?.jail === jail) return cached;
    const result = assembleResult(known.probe, known.kvm, {
      requested: binary,
      source: known.source,
      steps,
      durationMs: performance.now() - started,
      hostMemoryMiB: known.memory,
    });
    const setting = options.isolation === undefined ? {} : { isolation: options.isolation };
    const answered = { ...result, jail, ...setting };
    known.results.set(withKvm, answered);
    return answered;
  }

  return {
    get: (needs = {}) => answer(false, needs),
    refresh: () => {
      jailTry = null;
      return answer(true, { kvm: true });
    },
  };
}
