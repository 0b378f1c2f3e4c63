import type { NetDevice } from '@mpqemu/shared';
import { NumberField } from './fields.tsx';
import { useEditing } from './use-editing.ts';

type Forward = NetDevice['backend']['hostForwards'][number];

/** Host port forwards of a user-mode NIC; the planner binds them to 127.0.0.1 only. */
export function HostForwards({ device }: { device: NetDevice }) {
  const { device: editDevice } = useEditing();
  const forwards = device.backend.hostForwards;
  const update = (field: string | null, change: (list: Forward[]) => Forward[]) =>
    editDevice(device.id, field, (d) =>
      d.family === 'net'
        ? { ...d, backend: { ...d.backend, hostForwards: change(d.backend.hostForwards) } }
        : d,
    );
  const setAt = (i: number, patch: Partial<Forward>) =>
    update(`fwd${i}.${Object.keys(patch).join()}`, (list) =>
      list.map((f, j) => (j === i ? { ...f, ...patch } : f)),
    );
  const used = new Set(forwards.map((f) => f.hostPort));
  let nextPort = 10022;
  while (used.has(nextPort)) nextPort++;
  return (
    <div className="fwd">
      <div className="fwd__head">
        <span className="field__label">Host forwards (127.0.0.1 only)</span>
        <button
          type="button"
          className="btn btn--small"
          data-testid="fwd-add"
          disabled={forwards.length >= 64}
          onClick={() =>
            update(null, (list) => [
              ...list,
              { protocol: 'tcp', hostPort: nextPort, guestPort: 22 },
            ])
          }
        >
          + Forward
        </button>
      </div>
      {forwards.map((f, i) => (
        <div className="fwd__row" key={i} data-testid={`fwd-${i}`}>
          <select
            className="input"
            value={f.protocol}
            aria-label="Protocol"
            onChange={(e) => setAt(i, { protocol: e.target.value as Forward['protocol'] })}
          >
            <option value="tcp">tcp</option>
            <option value="udp">udp</option>
          </select>
          <NumberField
            label="Host"
            testId={`fwd-${i}-host`}
            value={f.hostPort}
            min={1}
            max={65535}
            onChange={(n) => n !== undefined && setAt(i, { hostPort: n })}
          />
          <NumberField
            label="Guest"
            testId={`fwd-${i}-guest`}
            value={f.guestPort}
            min={1}
            max={65535}
            onChange={(n) => n !== undefined && setAt(i, { guestPort: n })}
          />
          <button
            type="button"
            className="btn btn--icon"
            aria-label="Remove forward"
            onClick={() => update(null, (list) => list.filter((_, j) => j !== i))}
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
