/**
 * Which document the page opens first. A sample is opened as a template (never written: Save
 * asks for a name), so the first page of a new install shows a topology that starts with one
 * click and that no Save can overwrite.
 */

/** The sample a store with nothing saved opens on: the README's ready-to-start topology. */
const FIRST_SAMPLE = 'rich';

export type FirstDocument =
  { kind: 'saved'; name: string } | { kind: 'sample'; id: string } | { kind: 'none' };

/**
 * `?topology=NAME` opens that saved one and `?sample=ID` that sample (links from the CLI, the
 * tests); else the first saved topology that loads, else the `rich` sample, else the first one.
 * `missing`: what the URL asked for and does not exist, to say so.
 */
export function firstDocument(
  params: URLSearchParams,
  saved: readonly { ok: boolean; name: string }[],
  samples: readonly string[],
): { open: FirstDocument; missing: string | null } {
  const wantedSample = params.get('sample');
  if (wantedSample !== null && samples.includes(wantedSample))
    return { open: { kind: 'sample', id: wantedSample }, missing: null };
  const wanted = params.get('topology');
  if (wanted !== null && saved.some((s) => s.ok && s.name === wanted))
    return { open: { kind: 'saved', name: wanted }, missing: null };
  const missing =
    wantedSample !== null
      ? `There is no sample named "${wantedSample}"`
      : wanted !== null
        ? `There is no topology named "${wanted}"`
        : null;
  const first = saved.find((s) => s.ok);
  if (first) return { open: { kind: 'saved', name: first.name }, missing };
  const sample = samples.includes(FIRST_SAMPLE) ? FIRST_SAMPLE : samples[0];
  return {
    open: sample === undefined ? { kind: 'none' } : { kind: 'sample', id: sample },
    missing,
  };
}
