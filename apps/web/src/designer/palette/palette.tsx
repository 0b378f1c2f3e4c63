import {
  DEVICE_MODELS,
  DRIVE_MODELS,
  hasDeviceModel,
  proxySupportText,
  type Capabilities,
  type DeviceFamily,
  type DeviceModelInfo,
} from '@mpqemu/shared';
import { useState, type DragEvent } from 'react';
import { FAMILY_NAME, FAMILY_TAG } from '../canvas/family.ts';
import { ProxyChip } from '../canvas/proxy-chip.tsx';
import { useDesigner, useDesignerStore } from '../store/context.tsx';
import { addPaletteItem, PALETTE_MIME, type PaletteItem } from '../store/gestures.ts';
import '../canvas/family.css';
import './palette.css';
import './palette-search.css';

const FAMILIES: DeviceFamily[] = ['storage', 'block', 'net', 'display', 'other'];

function startDrag(e: DragEvent, item: PaletteItem) {
  e.dataTransfer.setData(PALETTE_MIME, JSON.stringify(item));
  // The kind rides in a type name too: drag-over handlers may read types but not data.
  e.dataTransfer.setData(`${PALETTE_MIME}-${item.kind}`, '');
  e.dataTransfer.effectAllowed = 'copy';
}

function PaletteEntry(props: {
  item: PaletteItem;
  testId: string;
  tag: string;
  tagClass: string;
  label: string;
  sub: string;
  title: string;
  chip?: React.ReactNode;
}) {
  const store = useDesignerStore();
  return (
    <li className="palette__slot">
      <div
        className="palette__item"
        draggable
        tabIndex={0}
        role="button"
        data-testid={props.testId}
        title={props.title}
        onDragStart={(e) => startDrag(e, props.item)}
        onDoubleClick={() => addPaletteItem(store, props.item)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            addPaletteItem(store, props.item);
          }
        }}
      >
        <span className={`node__tag ${props.tagClass}`}>{props.tag}</span>
        <span className="palette__text">
          <span className="palette__label">{props.label}</span>
          <span className="palette__sub mono">{props.sub}</span>
        </span>
        {props.chip}
      </div>
    </li>
  );
}

function deviceTitle(m: DeviceModelInfo, caps: Capabilities, machine: string): string {
  const proxy = proxySupportText(m.model, caps, machine) ?? '';
  return `${m.description}${m.pciId ? ` (PCI ${m.pciId})` : ''}\n${proxy}\nDrag into a remote process or the VM; double-click or Enter to add.`;
}

/** Device models by family, drives and a new remote process, to drag onto the canvas. */
export function Palette() {
  const caps = useDesigner((s) => s.caps);
  const machine = useDesigner((s) => s.topology.vm.machine);
  const [query, setQuery] = useState('');
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (...texts: string[]) =>
    words.every((w) => texts.some((t) => t.toLowerCase().includes(w)));
  const installed = DEVICE_MODELS.filter((m) => hasDeviceModel(caps, m.model));
  const hidden = DEVICE_MODELS.length - installed.length;
  const available = installed.filter((m) =>
    matches(m.label, m.model, m.description, FAMILY_NAME[m.family]),
  );
  const drives = DRIVE_MODELS.filter((m) => matches(m.label, m.model, m.description, 'drive'));
  const showProcess = matches('new remote process', 'x-remote');
  return (
    <aside className="palette" data-testid="palette" aria-label="Device palette">
      <div className="panel__title">Palette</div>
      <input
        className="input palette__search"
        type="search"
        data-testid="palette-search"
        aria-label="Search the palette"
        placeholder="Search devices…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="palette__scroll">
        {showProcess && (
          <ul className="palette__list">
            <PaletteEntry
              item={{ kind: 'process' }}
              testId="palette-process"
              tag="RP"
              tagClass="tag--process"
              label="New remote process"
              sub="qemu -machine x-remote"
              title="A separate QEMU process that emulates one PCI device for the VM"
            />
          </ul>
        )}
        {FAMILIES.map((family) => {
          const models = available.filter((m) => m.family === family);
          if (models.length === 0) return null;
          return (
            <section key={family} className={`palette__group fam-${family}`}>
              <h3 className="palette__heading">{FAMILY_NAME[family]}</h3>
              <ul className="palette__list">
                {models.map((m) => (
                  <PaletteEntry
                    key={m.model}
                    item={{ kind: 'device', model: m.model }}
                    testId={`palette-${m.model}`}
                    tag={FAMILY_TAG[family]}
                    tagClass=""
                    label={m.label}
                    sub={m.model}
                    title={deviceTitle(m, caps, machine)}
                    chip={<ProxyChip model={m.model} compact />}
                  />
                ))}
              </ul>
            </section>
          );
        })}
        {drives.length > 0 && (
          <section className="palette__group fam-drive">
            <h3 className="palette__heading">Drives</h3>
            <ul className="palette__list">
              {drives.map((m) => (
                <PaletteEntry
                  key={m.model}
                  item={{ kind: 'drive', model: m.model }}
                  testId={`palette-${m.model}`}
                  tag={m.model === 'scsi-cd' ? 'CD' : 'DISK'}
                  tagClass=""
                  label={m.label}
                  sub={m.model}
                  title={`${m.description}\nDrop onto a controller to attach it.`}
                />
              ))}
            </ul>
          </section>
        )}
        {words.length > 0 && available.length === 0 && drives.length === 0 && !showProcess && (
          <p className="palette__note" data-testid="palette-no-match">
            Nothing matches “{query}”.
          </p>
        )}
        {hidden > 0 && (
          <p className="palette__note" data-testid="palette-hidden">
            {hidden} model{hidden > 1 ? 's' : ''} hidden: not built into {caps.binary}
          </p>
        )}
      </div>
    </aside>
  );
}
