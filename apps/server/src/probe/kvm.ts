/**
 * Whether KVM can actually run a guest. Opening /dev/kvm proves little: on a nested PVM host it
 * opens, the firmware even runs, yet a stock kernel hangs before its first line. So we boot a real
 * kernel for a few seconds and wait for a line only a booted system prints.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { pdeathsigWrapper } from '../runtime/launch.ts';
import { qemuEnv, spawnQemu } from '../runtime/qemu-process.ts';

export interface KvmGuest {
  kernel: string;
  initrd?: string;
  append?: string;
  /** Text on serial that proves the guest booted. */
  banner: string;
}

export interface KvmCheck {
  usable: boolean;
  /** How it was checked: a kernel boot, or only the firmware when no kernel is available. */
  method: 'kernel-boot' | 'firmware' | 'none';
  reason?: string | undefined;
  durationMs: number;
}

const TAIL_CHARS = 600;

/** Boots `guest` (or, without one, the firmware) under `-accel kvm` for up to `timeoutMs`. */
export async function checkKvm(
  binary: string,
  guest: KvmGuest | null,
  timeoutMs: number,
): Promise<KvmCheck> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      usable: false,
      method: 'none',
      reason:
        code === 'ENOENT'
          ? '/dev/kvm does not exist (no KVM module, or not exposed to this container)'
          : `cannot open /dev/kvm read-write (${code ?? 'error'}); add the server's user to the kvm group`,
      durationMs: elapsed(),
    };
  }
  const common = ['-machine', 'pc', '-accel', 'kvm', '-m', '128M', '-nodefaults'];
  const rest = ['-no-user-config', '-display', 'none', '-monitor', 'none', '-no-reboot'];
  // Without a kernel, SeaBIOS on the debug console is the only guest code at hand; it proves less
  // (on this project's PVM host the firmware runs while kernels hang), and the method says so.
  const argv = guest
    ? [
        ...common,
        ...rest,
        '-serial',
        'stdio',
        '-kernel',
        guest.kernel,
        ...(guest.initrd ? ['-initrd', guest.initrd] : []),
        '-append',
        guest.append ?? 'console=ttyS0',
      ]
    : [
        ...common,
        ...rest,
        '-chardev',
        'stdio,id=dbg',
        '-device',
        'isa-debugcon,iobase=0x402,chardev=dbg',
      ];
  const banner = guest?.banner ?? 'Booting from';
  const child = spawnQemu({
    name: 'kvm-check',
    argv: [binary, ...argv],
    fds: new Map(),
    wrapper: pdeathsigWrapper('setpriv'),
    env: qemuEnv(),
  });
  let out = '';
  let err = '';
  const outcome = await new Promise<'banner' | 'timeout' | 'exit'>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out = (out + chunk).slice(-64 * 1024);
      if (out.includes(banner)) {
        clearTimeout(timer);
        resolve('banner');
      }
    });
    child.stderr?.on('data', (chunk: string) => (err = (err + chunk).slice(-TAIL_CHARS)));
    void child.exited.then(() => {
      clearTimeout(timer);
      resolve('exit');
    });
  });
  child.kill('SIGKILL');
  await child.drained;
  const method = guest ? 'kernel-boot' : 'firmware';
  if (outcome === 'banner' && guest) return { usable: true, method, durationMs: elapsed() };
  if (outcome === 'banner') {
    // Firmware running proves nothing about kernels (on a nested PVM host SeaBIOS runs and every
    // kernel hangs), so without a kernel boot we must not call KVM usable.
    return {
      usable: false,
      method,
      reason:
        'not verified: only the firmware was run under KVM (no test guest kernel to boot); a kernel may still hang, as on nested PVM hosts. Build the test guest (npm run guest) and refresh the capabilities to check for real',
      durationMs: elapsed(),
    };
  }
  const stderr = err.trim().split('\n').slice(-3).join(' | ');
  const what = guest ? 'the test guest kernel' : 'the firmware (SeaBIOS)';
  const reason =
    outcome === 'timeout'
      ? `${what} did not boot under KVM within ${timeoutMs / 1000} s (no "${banner}" on its console); /dev/kvm opens but cannot run this guest, e.g. a nested or paravirtual (PVM) KVM host${stderr ? `; QEMU said: ${stderr}` : ''}`
      : `QEMU exited while booting ${what} under KVM${stderr ? `: ${stderr}` : ''}`;
  return { usable: false, method, reason, durationMs: elapsed() };
}
