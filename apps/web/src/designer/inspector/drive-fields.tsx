import {
  canAttach,
  deviceModel,
  DRIVE_MODELS,
  driveModel,
  IMAGE_FORMATS,
  nextFreeScsiId,
  type Drive,
  type DriveModel,
  type Topology,
} from '@mpqemu/shared';
import { attachDrive } from '../doc/attach.ts';
import { CheckField, IdField, NumberField, Section, SelectField, TextField } from './fields.tsx';
import { ImageTools } from './image-tools.tsx';
import { useEditing } from './use-editing.ts';

const NONE = '\u0000none';

/** A drive: its image, where it is attached and at which SCSI address, and boot. */
export function DriveFields({ drive, topology }: { drive: Drive; topology: Topology }) {
  const { rename, drive: editDrive, edit, vm } = useEditing();
  const info = driveModel(drive.model);
  const host = topology.devices.find((d) => d.id === drive.attachedTo);
  const bus = host ? deviceModel(host.model)?.accepts?.bus : undefined;
  const forcedRo = info?.forcedReadOnly === true;
  const hosts = topology.devices.filter(
    (d) => d.id === drive.attachedTo || canAttach(topology, drive.model, d.id, drive.id),
  );
  const isBoot = topology.vm.boot.kind === 'disk' && topology.vm.boot.drive === drive.id;
  const maxId = host ? (deviceModel(host.model)?.accepts?.maxScsiId ?? 0) : 0;
  const maxLun = host ? (deviceModel(host.model)?.accepts?.maxLun ?? 0) : 0;
  return (
    <>
      <Section title={info?.label ?? drive.model}>
        <IdField testId="drive-id" value={drive.id} onRename={(to) => rename(drive.id, to)} />
        <SelectField<DriveModel>
          label="Kind"
          testId="drive-model"
          value={drive.model}
          options={DRIVE_MODELS.map((m) => ({ value: m.model, label: `${m.label} (${m.model})` }))}
          onChange={(model) => editDrive(drive.id, null, (d) => ({ ...d, model }))}
        />
      </Section>
      <Section title="Image">
        <TextField
          label="Path on the host"
          testId="drive-path"
          mono
          placeholder="/var/lib/images/disk0.qcow2"
          value={drive.image.path}
          onChange={(path) =>
            editDrive(drive.id, 'path', (d) => ({ ...d, image: { ...d.image, path } }))
          }
          hint="Absolute; or choose or create one below"
        />
        <ImageTools drive={drive} />
        <div className="field-row">
          <SelectField
            label="Format"
            testId="drive-format"
            value={drive.image.format}
            hint="Given to QEMU explicitly, never probed"
            options={IMAGE_FORMATS.map((f) => ({ value: f, label: f }))}
            onChange={(format) =>
              editDrive(drive.id, null, (d) => ({ ...d, image: { ...d.image, format } }))
            }
          />
          <CheckField
            label="Read-only"
            testId="drive-readonly"
            checked={drive.image.readOnly || forcedRo}
            disabled={forcedRo}
            title={forcedRo ? 'A CD is always read-only' : undefined}
            onChange={(readOnly) =>
              editDrive(drive.id, null, (d) => ({ ...d, image: { ...d.image, readOnly } }))
            }
          />
        </div>
      </Section>
      <Section title="Attachment">
        <SelectField
          label="Attached to"
          testId="drive-attached"
          value={drive.attachedTo ?? NONE}
          options={[
            { value: NONE, label: '— not attached —' },
            ...hosts.map((d) => ({ value: d.id, label: `${d.id} (${d.model})` })),
          ]}
          onChange={(v) => edit((t) => attachDrive(t, drive.id, v === NONE ? null : v))}
        />
        {bus === 'scsi' && host && (
          <div className="field-row">
            <NumberField
              label="SCSI id"
              testId="drive-scsi-id"
              value={drive.scsiId}
              min={0}
              max={maxId}
              hint={`next free: ${nextFreeScsiId(topology, host.id, drive.id) ?? 'none'}`}
              onChange={(n) =>
                n !== undefined && editDrive(drive.id, 'scsiId', (d) => ({ ...d, scsiId: n }))
              }
            />
            <NumberField
              label="LUN"
              testId="drive-lun"
              value={drive.lun ?? 0}
              min={0}
              max={maxLun}
              onChange={(n) =>
                n !== undefined && editDrive(drive.id, 'lun', (d) => ({ ...d, lun: n }))
              }
            />
          </div>
        )}
        <CheckField
          label="Boot from this drive"
          testId="drive-boot"
          checked={isBoot}
          onChange={(on) =>
            vm('boot', (v) =>
              on
                ? { ...v, boot: { kind: 'disk', drive: drive.id } }
                : { ...v, boot: { kind: 'none' } },
            )
          }
        />
      </Section>
    </>
  );
}
