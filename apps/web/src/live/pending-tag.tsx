import { useNodePending } from './use-pending.ts';
import './live.css';

/** Marks a node edited while its VM runs: the edit applies live, or waits for a VM restart. */
export function PendingTag({ id }: { id: string }) {
  const pending = useNodePending(id);
  if (pending === null) return null;
  return (
    <span
      className={`pending-tag pending-tag--${pending}`}
      data-testid={`pending-${id}`}
      data-pending={pending}
      title={
        pending === 'live'
          ? 'Changed while the VM runs: can be applied live (see the bar above the canvas)'
          : 'Changed while the VM runs: takes effect only when the VM is restarted'
      }
    >
      {pending === 'live' ? 'apply live' : 'needs a VM restart'}
    </span>
  );
}
