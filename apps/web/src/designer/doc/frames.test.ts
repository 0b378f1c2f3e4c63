import { readFileSync } from 'node:fs';
import { loadTopologyText, type Topology } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import { buildView } from '../canvas/build-view.ts';
import { freeCanvasSpot } from './free-spot.ts';
import { absolutePosition, parentOf, relativePosition } from './frames.ts';

/** The rich example as written: it gives no node a position. */
function unplaced(): Topology {
  const text = readFileSync(new URL('../../../../../examples/rich.json', import.meta.url), 'utf8');
  const loaded = loadTopologyText(text);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  expect(loaded.topology.layout).toEqual({});
  return loaded.topology;
}

describe('a node the document gives no position', () => {
  it('is drawn where the edits read it', () => {
    const t = unplaced();
    const { nodes } = buildView(t, []);
    expect(nodes.length).toBeGreaterThan(5);
    for (const n of nodes) expect(n.position, n.id).toEqual(relativePosition(t, n.id));
  });

  it('does not land on another node of its container', () => {
    const t = unplaced();
    const spots = buildView(t, []).nodes.map(
      (n) => `${parentOf(t, n.id) ?? 'canvas'} ${n.position.x},${n.position.y}`,
    );
    expect(new Set(spots).size).toBe(spots.length);
  });
});

describe('a new remote process', () => {
  it('goes below every process, left of the VM', () => {
    const t = unplaced();
    const spot = freeCanvasSpot(t);
    const vm = absolutePosition(t, '$vm');
    expect(spot.x).toBeLessThan(vm.x);
    for (const p of t.processes) expect(spot.y, p.id).toBeGreaterThan(absolutePosition(t, p.id).y);
  });
});
