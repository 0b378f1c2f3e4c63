import {
  MAX_CPUS,
  MAX_MEMORY_MIB,
  MIN_MEMORY_MIB,
  VM_NODE_ID,
  type Boot,
  type Capabilities,
  type Topology,
} from '@mpqemu/shared';
import { JailFacts } from '../../live/jail-badge.tsx';
import { useNodeLive } from '../../live/use-live-run.ts';
import { CheckField, NumberField, Section, SelectField, TextField } from './fields.tsx';
import { ChooseFileButton } from './image-tools.tsx';
import { useEditing } from './use-editing.ts';

/** What the probe found for an accelerator, in one line, with its reason one click away. */
function AccelStatus({ caps, accel }: { caps: Capabilities; accel: 'tcg' | 'kvm' }) {
  const a = caps.accels[accel];
  const name = accel.toUpperCase();
  const summary = !a.present
    ? `${name}: not available on this host`
    : !a.usable
      ? `${name}: present, but did not boot a test guest`
      : `${name}: usable (booted a test guest)`;
  return (
    <details
      className="accel-status"
      data-testid={`${accel}-status`}
      data-usable={String(a.usable)}
    >
      <summary>{summary}</summary>
      {a.reason && <p>{a.reason}</p>}
    </details>
  );
}

const BOOT_KINDS: { value: Boot['kind']; label: string }[] = [
  { value: 'kernel', label: 'Kernel' },
  { value: 'disk', label: 'Disk' },
  { value: 'none', label: 'None' },
];

/** The main QEMU: name, machine, accelerator (with the probe's verdict), size and boot source. */
export function VmFields({ topology, caps }: { topology: Topology; caps: Capabilities }) {
  const { vm: editVm } = useEditing();
  const live = useNodeLive(VM_NODE_ID);
  const { vm, drives } = topology;
  const boot = vm.boot;
  const setBoot = (kind: Boot['kind']) =>
    editVm('boot', (v) => {
      if (kind === v.boot.kind) return v;
      if (kind === 'kernel')
        return {
          ...v,
          boot: { kind, kernel: '', initrd: '', append: 'console=tty0 console=ttyS0' },
        };
      if (kind === 'disk') return { ...v, boot: { kind, drive: drives[0]?.id ?? '' } };
      return { ...v, boot: { kind } };
    });
  return (
    <>
      <Section title="Virtual machine">
        {live && <JailFacts jail={live.jail} />}
        <TextField
          label="Name"
          testId="vm-name"
          value={vm.name}
          onChange={(name) => editVm('name', (v) => ({ ...v, name }))}
        />
        <div className="field-row">
          <SelectField
            label="Machine"
            testId="vm-machine"
            value={vm.machine}
            options={(['pc', 'q35'] as const).map((m) => ({
              value: m,
              label: m === 'pc' ? 'pc (i440FX)' : 'q35 (ICH9)',
              disabled: !caps.machines.includes(m),
            }))}
            onChange={(machine) => editVm('machine', (v) => ({ ...v, machine }))}
          />
          <SelectField
            label="Accelerator"
            testId="vm-accel"
            value={vm.accel}
            options={(['tcg', 'kvm'] as const).map((a) => ({
              value: a,
              label: `${a}${caps.accels[a].usable ? '' : caps.accels[a].present ? ' (not usable here)' : ' (absent)'}`,
            }))}
            onChange={(accel) => editVm('accel', (v) => ({ ...v, accel }))}
          />
        </div>
        <AccelStatus caps={caps} accel="kvm" />
        <div className="field-row">
          <NumberField
            label="vCPUs"
            testId="vm-cpus"
            value={vm.cpus}
            min={1}
            max={MAX_CPUS}
            onChange={(n) => n !== undefined && editVm('cpus', (v) => ({ ...v, cpus: n }))}
          />
          <NumberField
            label="Memory"
            suffix="MiB"
            testId="vm-memory"
            value={vm.memoryMiB}
            min={MIN_MEMORY_MIB}
            max={MAX_MEMORY_MIB}
            onChange={(n) => n !== undefined && editVm('memory', (v) => ({ ...v, memoryMiB: n }))}
          />
        </div>
        <CheckField
          label="Serial console (ttyS0 to the Run tab)"
          testId="vm-serial"
          checked={vm.serial}
          onChange={(serial) => editVm('serial', (v) => ({ ...v, serial }))}
        />
      </Section>
      <Section title="Boot source">
        <div className="segmented" role="radiogroup" aria-label="Boot source">
          {BOOT_KINDS.map((k) => (
            <button
              key={k.value}
              type="button"
              role="radio"
              aria-checked={boot.kind === k.value}
              className={`segmented__btn${boot.kind === k.value ? ' is-on' : ''}`}
              data-testid={`vm-boot-${k.value}`}
              onClick={() => setBoot(k.value)}
            >
              {k.label}
            </button>
          ))}
        </div>
        {boot.kind === 'kernel' && (
          <>
            <TextField
              label="Kernel"
              mono
              testId="vm-kernel"
              placeholder="/path/to/vmlinuz"
              value={boot.kernel}
              onChange={(kernel) =>
                editVm('kernel', (v) =>
                  v.boot.kind === 'kernel' ? { ...v, boot: { ...v.boot, kernel } } : v,
                )
              }
            />
            <ChooseFileButton
              what="kernel"
              testId="vm-kernel-choose"
              onPick={(kernel) =>
                editVm('kernel-pick', (v) =>
                  v.boot.kind === 'kernel' ? { ...v, boot: { ...v.boot, kernel } } : v,
                )
              }
            />
            <TextField
              label="Initrd"
              mono
              testId="vm-initrd"
              placeholder="optional"
              value={boot.initrd}
              onChange={(initrd) =>
                editVm('initrd', (v) =>
                  v.boot.kind === 'kernel' ? { ...v, boot: { ...v.boot, initrd } } : v,
                )
              }
            />
            <ChooseFileButton
              what="initrd"
              testId="vm-initrd-choose"
              onPick={(initrd) =>
                editVm('initrd-pick', (v) =>
                  v.boot.kind === 'kernel' ? { ...v, boot: { ...v.boot, initrd } } : v,
                )
              }
            />
            <TextField
              label="Kernel command line"
              mono
              testId="vm-append"
              placeholder="console=ttyS0"
              value={boot.append}
              onChange={(append) =>
                editVm('append', (v) =>
                  v.boot.kind === 'kernel' ? { ...v, boot: { ...v.boot, append } } : v,
                )
              }
            />
          </>
        )}
        {boot.kind === 'disk' && (
          <SelectField
            label="Boot drive"
            testId="vm-boot-drive"
            value={boot.drive}
            options={[
              ...(drives.some((d) => d.id === boot.drive)
                ? []
                : [
                    {
                      value: boot.drive,
                      label: boot.drive === '' ? '— choose a drive —' : `${boot.drive} (missing)`,
                    },
                  ]),
              ...drives.map((d) => ({ value: d.id, label: `${d.id} (${d.model})` })),
            ]}
            onChange={(drive) =>
              editVm('bootdrive', (v) => ({ ...v, boot: { kind: 'disk', drive } }))
            }
          />
        )}
        {boot.kind === 'none' && <p className="insp-note">The VM stops in the firmware.</p>}
      </Section>
    </>
  );
}
