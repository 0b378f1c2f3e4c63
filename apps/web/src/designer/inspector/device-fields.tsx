import {
  canAttach,
  canProxy,
  deviceModel,
  DRIVE_MODELS,
  proxySupportText,
  RESERVED_SLOTS,
  type Device,
  type NetDevice,
  type Topology,
} from '@mpqemu/shared';
import { containerSize } from '../canvas/build-view.ts';
import { ProxyChip } from '../canvas/proxy-chip.tsx';
import { addDrive, addProcess } from '../doc/add.ts';
import { absolutePosition } from '../doc/frames.ts';
import { moveDevice } from '../doc/move.ts';
import { HEADER_H, PAD } from '../sizes.ts';
import { Field, IdField, NumberField, Section, SelectField, TextField } from './fields.tsx';
import { HostForwards } from './host-forwards.tsx';
import { useEditing } from './use-editing.ts';
import { useDesigner } from '../store/context.tsx';

const NEW_PROCESS = '\u0000new';

function randomMac(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  // 52:54:00 is QEMU's locally administered prefix: unicast, never a real vendor.
  return ['52', '54', '00', ...Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** Moves a device by its placement field: to the VM, an existing process, or a new one. */
function place(t: Topology, id: string, target: string): Topology {
  if (target === 'main') {
    const [, h] = containerSize(t, '$vm');
    return moveDevice(t, id, { kind: 'main' }, { x: PAD, y: h - PAD });
  }
  if (target === NEW_PROCESS) {
    const from = absolutePosition(t, id);
    const created = addProcess(t, { x: from.x - 360, y: from.y });
    return moveDevice(
      created.topology,
      id,
      { kind: 'remote', process: created.id },
      { x: PAD, y: HEADER_H + PAD },
    );
  }
  const [, h] = containerSize(t, target);
  const empty = !t.devices.some(
    (d) => d.placement.kind === 'remote' && d.placement.process === target,
  );
  return moveDevice(
    t,
    id,
    { kind: 'remote', process: target },
    { x: PAD, y: empty ? HEADER_H + PAD : h - PAD },
  );
}

/** A device: identity, where it runs, its PCI slot and its family's own fields. */
export function DeviceFields({ device, topology }: { device: Device; topology: Topology }) {
  const { rename, device: editDevice, edit, select } = useEditing();
  const info = deviceModel(device.model);
  const caps = useDesigner((s) => s.caps);
  const proxyable = canProxy(device.model, caps, topology.vm.machine);
  const placement = device.placement.kind === 'main' ? 'main' : device.placement.process;
  const reserved = RESERVED_SLOTS[topology.vm.machine];
  const drives = topology.drives.filter((d) => d.attachedTo === device.id);
  const fitting = DRIVE_MODELS.filter((m) => info?.accepts?.drives.includes(m.model));
  return (
    <>
      <Section title={info?.label ?? device.model} aside={<ProxyChip model={device.model} />}>
        <p className="insp-note">
          <span className="mono">{device.model}</span>
          {info?.pciId && <span className="mono muted"> · PCI {info.pciId}</span>}
          <br />
          {info?.description}
        </p>
        <IdField testId="device-id" value={device.id} onRename={(to) => rename(device.id, to)} />
        <SelectField
          label="Runs in"
          testId="device-placement"
          value={placement}
          hint={
            proxyable
              ? 'A remote process emulates one device (QEMU 7.2)'
              : (proxySupportText(device.model, caps, topology.vm.machine) ?? undefined)
          }
          options={[
            { value: 'main', label: 'Main QEMU (in the VM)' },
            ...topology.processes.map((p) => ({
              value: p.id,
              label: `Remote process ${p.id}${p.label ? ` — ${p.label}` : ''}`,
              disabled: !proxyable,
            })),
            { value: NEW_PROCESS, label: 'New remote process', disabled: !proxyable },
          ]}
          onChange={(target) => edit((t) => place(t, device.id, target))}
        />
        <NumberField
          label="PCI slot"
          testId="device-slot"
          optional
          placeholder="auto"
          value={device.slot}
          min={0}
          max={31}
          hex
          hint={`Bus 0 of the main QEMU; ${reserved.map((s) => `0x${s.toString(16)}`).join(', ')} are taken by ${topology.vm.machine}`}
          onChange={(slot) =>
            editDevice(device.id, 'slot', (d) => {
              const n = { ...d };
              if (slot === undefined) delete n.slot;
              else n.slot = slot;
              return n;
            })
          }
        />
        {device.family === 'block' && (
          <TextField
            label="Serial"
            testId="device-serial"
            mono
            placeholder={device.model === 'nvme' ? device.id : 'none'}
            value={device.serial ?? ''}
            onChange={(serial) =>
              editDevice(device.id, 'serial', (d) => {
                const n = { ...d };
                if (serial === '') delete (n as { serial?: string }).serial;
                else (n as { serial?: string }).serial = serial;
                return n;
              })
            }
          />
        )}
      </Section>
      {device.family === 'net' && <NetSection device={device} />}
      {info?.accepts && (
        <Section title={info.accepts.bus === 'scsi' ? `SCSI bus ${device.id}.0` : 'Disk image'}>
          <div className="btn-row">
            {fitting.map((m) => (
              <button
                key={m.model}
                type="button"
                className="btn btn--small"
                data-testid={`device-add-${m.model}`}
                disabled={!canAttach(topology, m.model, device.id)}
                onClick={() => edit((t) => addDrive(t, m.model, device.id).topology)}
              >
                + {m.label}
              </button>
            ))}
          </div>
          {drives.length === 0 ? (
            <p className="insp-note">
              No drive yet. Drop one from the palette onto {device.id}, or draw an edge from its
              bottom handle.
            </p>
          ) : (
            <ul className="insp-list">
              {drives.map((d) => (
                <li key={d.id}>
                  <button type="button" className="link mono" onClick={() => select(d.id)}>
                    {d.id}
                  </button>
                  <span className="muted">
                    {' '}
                    {d.model}
                    {d.scsiId !== undefined ? ` · id ${d.scsiId}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
    </>
  );
}

function NetSection({ device }: { device: NetDevice }) {
  const { device: editDevice } = useEditing();
  const setMac = (mac: string) =>
    editDevice(device.id, 'mac', (d) => {
      const n = { ...d } as NetDevice;
      if (mac === '') delete n.mac;
      else n.mac = mac;
      return n;
    });
  return (
    <Section title="Network">
      <Field label="MAC address" hint="Empty: QEMU picks one">
        <span className="input-wrap">
          <input
            className="input mono"
            data-testid="device-mac"
            placeholder="52:54:00:12:34:56"
            value={device.mac ?? ''}
            spellCheck={false}
            onChange={(e) => setMac(e.target.value)}
          />
          <button
            type="button"
            className="btn btn--small"
            onClick={() => setMac(randomMac())}
            title="A random address with QEMU's 52:54:00 prefix"
          >
            Generate
          </button>
        </span>
      </Field>
      <p className="insp-note">
        Backend: user-mode networking (slirp) in the process that runs {device.id}.
      </p>
      <HostForwards device={device} />
    </Section>
  );
}
