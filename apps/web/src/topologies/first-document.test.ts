import { describe, expect, it } from 'vitest';
import { firstDocument } from './first-document.ts';

const samples = ['rich', 'upstream-lsi'];
const url = (query: string) => new URLSearchParams(query);

describe('the first document of the page', () => {
  it('opens the rich sample as a template when nothing is saved', () => {
    expect(firstDocument(url(''), [], samples)).toEqual({
      open: { kind: 'sample', id: 'rich' },
      missing: null,
    });
    expect(firstDocument(url(''), [], ['upstream-lsi']).open).toEqual({
      kind: 'sample',
      id: 'upstream-lsi',
    });
    expect(firstDocument(url(''), [], []).open).toEqual({ kind: 'none' });
  });

  it('opens the first saved topology that loads', () => {
    const saved = [
      { ok: false, name: 'broken' },
      { ok: true, name: 'mine' },
    ];
    expect(firstDocument(url(''), saved, samples).open).toEqual({ kind: 'saved', name: 'mine' });
  });

  it('follows ?topology= and ?sample=, and says when they name nothing', () => {
    const saved = [
      { ok: true, name: 'a' },
      { ok: true, name: 'b' },
    ];
    expect(firstDocument(url('topology=b'), saved, samples).open).toEqual({
      kind: 'saved',
      name: 'b',
    });
    expect(firstDocument(url('sample=upstream-lsi'), saved, samples).open).toEqual({
      kind: 'sample',
      id: 'upstream-lsi',
    });
    expect(firstDocument(url('topology=zz'), saved, samples)).toEqual({
      open: { kind: 'saved', name: 'a' },
      missing: 'There is no topology named "zz"',
    });
    expect(firstDocument(url('sample=zz'), [], samples)).toEqual({
      open: { kind: 'sample', id: 'rich' },
      missing: 'There is no sample named "zz"',
    });
  });
});
