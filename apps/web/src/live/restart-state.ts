import { restartRefusal, type ProcessInfo, type RunInfo } from '@mpqemu/shared';

/**
 * Why a restart of `process` would be refused now (the server's rules and order, `restartRefusal`
 * in packages/shared), in the words of a disabled menu item or button; null when it can go.
 * `inFlight`: a restart of it sent from this page.
 */
export function restartBlocked(
  run: Pick<RunInfo, 'status' | 'spares'>,
  process: Pick<ProcessInfo, 'role' | 'status'> | undefined,
  inFlight: boolean,
): string | null {
  const refusal = restartRefusal(run, process, inFlight);
  switch (refusal?.code) {
    case undefined:
      return null;
    case 'unknown-process':
      return 'not in the running VM yet';
    case 'main-process':
      return 'the main QEMU is the VM itself: stop and start the VM';
    case 'restarting':
      return 'already restarting';
    case 'starting':
      return 'still starting';
    case 'vm-not-live':
      return `the VM is ${refusal.status}`;
    case 'no-spare-channels':
      return 'the VM was started without spare channels';
    case 'spares-used-up':
      return 'no spare channel left: stop and start the VM';
  }
}
