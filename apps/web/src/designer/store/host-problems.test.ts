import { readFileSync } from 'node:fs';
import {
  loadTopologyText,
  resolveDocumentPaths,
  type Problem,
  type Topology,
} from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import { emptyTopology } from '../doc/defaults.ts';
import { createDesignerStore, documentLabel, hostCheckKey, isDirty, unsavedNote } from './store.ts';

function upstream(): Topology {
  const dir = new URL('../../../../../examples/', import.meta.url);
  const loaded = loadTopologyText(readFileSync(new URL('upstream-lsi.json', dir), 'utf8'));
  if (!loaded.ok) throw new Error('bad example');
  return resolveDocumentPaths(loaded.topology, dir.pathname);
}

const missing: Problem = {
  severity: 'error',
  code: 'host.missing',
  message: 'drive disk0: image /x does not exist',
  path: 'drives[0].image.path',
  nodeIds: ['disk0'],
};

describe('host problems in the designer store', () => {
  it('puts a host check on its node and in the problems, after the validator', () => {
    const store = createDesignerStore({ topology: upstream() });
    const key = hostCheckKey(store.getState().topology);
    store.getState().setHostProblems(key, [missing]);
    const { problems, nodes } = store.getState();
    expect(problems.at(-1)).toEqual(missing);
    const disk = nodes.find((n) => n.id === 'disk0');
    expect(disk?.data).toMatchObject({ problems: [missing] });
  });

  it('ignores an answer about files the document no longer has', () => {
    const store = createDesignerStore({ topology: upstream() });
    const stale = hostCheckKey(store.getState().topology);
    store.getState().edit((t) => ({
      ...t,
      drives: t.drives.map((d) => ({ ...d, image: { ...d.image, path: '/other.img' } })),
    }));
    store.getState().setHostProblems(stale, [missing]);
    expect(store.getState().problems.some((p) => p.code === 'host.missing')).toBe(false);
  });

  it('keeps host problems across a layout edit and drops them with another document', () => {
    const store = createDesignerStore({ topology: upstream() });
    store.getState().setHostProblems(hostCheckKey(store.getState().topology), [missing]);
    store.getState().edit((t) => ({ ...t, layout: { ...t.layout, lsi0: { x: 99, y: 99 } } }));
    expect(store.getState().problems).toContainEqual(missing);
    store.getState().load(upstream(), null);
    expect(store.getState().problems).not.toContainEqual(missing);
  });
});

describe('what the document is called', () => {
  it('says that Save asks for a name until the document has one', () => {
    const store = createDesignerStore();
    store.getState().load(emptyTopology(), null);
    expect(documentLabel(store.getState())).toBe('Untitled');
    expect(isDirty(store.getState())).toBe(false);
    store.getState().load(upstream(), null, { template: 'Upstream LSI example' });
    expect(documentLabel(store.getState())).toBe('Upstream LSI example');
    expect(unsavedNote(store.getState())).toBe('template');
    store.getState().markSaved('mine');
    expect(documentLabel(store.getState())).toBe('mine');
    expect(store.getState().template).toBeNull();
  });
});
