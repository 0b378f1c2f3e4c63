import type { RemoteProcess, Topology } from '@mpqemu/shared';
import { JailFacts } from '../../live/jail-badge.tsx';
import { RestartPolicyFields } from '../../live/restart-policy-fields.tsx';
import { useNodeLive } from '../../live/use-live-run.ts';
import { IdField, Section, TextField } from './fields.tsx';
import { useEditing } from './use-editing.ts';

/** A remote process: its id, a label for people, and what it emulates. */
export function ProcessFields({
  process,
  topology,
}: {
  process: RemoteProcess;
  topology: Topology;
}) {
  const { rename, edit, select } = useEditing();
  const live = useNodeLive(process.id);
  const devices = topology.devices.filter(
    (d) => d.placement.kind === 'remote' && d.placement.process === process.id,
  );
  return (
    <Section title="Remote process">
      <p className="insp-note">
        A separate <span className="mono">qemu-system-x86_64 -machine x-remote</span> that emulates
        one PCI device; the VM reaches it through an <span className="mono">x-pci-proxy-dev</span>{' '}
        over a socketpair.
      </p>
      <IdField testId="process-id" value={process.id} onRename={(to) => rename(process.id, to)} />
      <TextField
        label="Label"
        testId="process-label"
        placeholder="what it is for"
        value={process.label}
        onChange={(label) =>
          edit(
            (t) => ({
              ...t,
              processes: t.processes.map((p) => (p.id === process.id ? { ...p, label } : p)),
            }),
            `${process.id}.label`,
          )
        }
      />
      <RestartPolicyFields process={process} />
      {live && <JailFacts jail={live.jail} />}
      <div className="field__label">Emulates</div>
      {devices.length === 0 ? (
        <p className="insp-note">Nothing yet: drop one PCI device into it.</p>
      ) : (
        <ul className="insp-list">
          {devices.map((d) => (
            <li key={d.id}>
              <button type="button" className="link mono" onClick={() => select(d.id)}>
                {d.id}
              </button>
              <span className="muted"> {d.model}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
