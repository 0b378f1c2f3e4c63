import {
  DEFAULT_RESTART_POLICY,
  describeRestartPolicy,
  type RemoteProcess,
  type RestartPolicy,
} from '@mpqemu/shared';
import { CheckField, NumberField, SelectField } from '../designer/inspector/fields.tsx';
import { useEditing } from '../designer/inspector/use-editing.ts';

const MODES = [
  { value: 'on-failure', label: 'On failure (replace it, VM keeps running)' },
  { value: 'never', label: 'Never (the run turns degraded)' },
] as const;

/** The restart policy of one remote process: what the launcher does when it dies. */
export function RestartPolicyFields({ process }: { process: RemoteProcess }) {
  const { edit } = useEditing();
  const policy = process.restart;
  const set = (next: RestartPolicy, field: string) =>
    edit(
      (t) => ({
        ...t,
        processes: t.processes.map((p) => (p.id === process.id ? { ...p, restart: next } : p)),
      }),
      `${process.id}.restart.${field}`,
    );
  // Switching back to on-failure restores the defaults rather than remembering old numbers.
  const onFailure = policy.mode === 'on-failure' ? policy : DEFAULT_RESTART_POLICY;
  return (
    <div className="restart-policy" data-testid="restart-policy">
      <SelectField
        label="Restart when it dies"
        testId="restart-mode"
        value={policy.mode}
        options={MODES}
        hint={describeRestartPolicy(policy)}
        onChange={(mode) => set(mode === 'never' ? { mode } : DEFAULT_RESTART_POLICY, 'mode')}
      />
      {policy.mode === 'on-failure' && onFailure.mode === 'on-failure' && (
        <div className="field-row">
          <NumberField
            label="At most"
            testId="restart-max"
            value={onFailure.maxRestarts}
            min={1}
            max={100}
            suffix="restarts"
            onChange={(v) => v !== undefined && set({ ...onFailure, maxRestarts: v }, 'max')}
          />
          <NumberField
            label="Within"
            testId="restart-window"
            value={onFailure.windowSeconds}
            min={1}
            max={3600}
            suffix="s"
            onChange={(v) => v !== undefined && set({ ...onFailure, windowSeconds: v }, 'window')}
          />
          <NumberField
            label="Backoff"
            testId="restart-backoff"
            value={onFailure.backoffMs}
            min={0}
            max={60_000}
            suffix="ms"
            onChange={(v) => v !== undefined && set({ ...onFailure, backoffMs: v }, 'backoff')}
          />
        </div>
      )}
      {policy.mode === 'on-failure' && onFailure.mode === 'on-failure' && (
        <CheckField
          label="Reset the guest if it holds the dead device"
          testId="restart-reset-guest"
          checked={onFailure.resetGuest === true}
          title="When the guest does not release the device of a dead process, QMP system_reset completes the unplug; the guest reboots and loses its state"
          onChange={(v) => set({ ...onFailure, resetGuest: v }, 'resetGuest')}
        />
      )}
    </div>
  );
}
