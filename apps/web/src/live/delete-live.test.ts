import { readFileSync } from 'node:fs';
import { loadTopologyText, type Topology } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import { removeItems } from '../designer/doc/remove.ts';
import { deleteLive } from './delete-live.ts';

function rich(): Topology {
  const text = readFileSync(new URL('../../../../examples/rich.json', import.meta.url), 'utf8');
  const loaded = loadTopologyText(text);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.topology;
}

const run = { topology: rich(), spares: { total: 4, left: 4 } };

describe('what a delete means on the running VM', () => {
  it('hot-removes a proxied device, or its whole remote process', () => {
    expect(deleteLive(run, run.topology, ['nic0'])).toEqual({
      kind: 'live',
      change: 'remove-device',
      text: 'nic0 is unplugged from the guest; remote process rp1 exits',
    });
    expect(deleteLive(run, run.topology, ['rp1'])).toMatchObject({ kind: 'live' });
  });

  it('needs a VM restart for a device of the main QEMU', () => {
    const got = deleteLive(run, run.topology, ['net1']);
    expect(got).toMatchObject({ kind: 'restart' });
    expect(got.kind === 'restart' && got.text).toContain('net1');
  });

  it('changes nothing live for a node the running VM does not have', () => {
    // Deleted already (waiting for Hot-remove): deleting it again adds nothing.
    const edited = removeItems(run.topology, ['nic0']);
    expect(deleteLive(run, edited, ['nic0'])).toEqual({ kind: 'none' });
  });

  it('counts only what the delete adds to the edits already pending', () => {
    const edited = removeItems(run.topology, ['net1']);
    expect(deleteLive(run, edited, ['vblk0'])).toMatchObject({ kind: 'live' });
  });
});
