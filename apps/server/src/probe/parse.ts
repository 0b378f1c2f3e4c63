/** Parsers for QEMU's `help` outputs (7.2 formats; each was checked against the real binary). */

/** `QEMU emulator version 7.2.22 (Debian …)` → `7.2.22`. */
export function parseVersion(text: string): string | null {
  return /QEMU emulator version (\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1] ?? null;
}

/** `-machine help`: one `name  description` line per machine after a header. */
export function parseMachines(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => /^(\S+)\s/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** `-device help`: `name "lsi53c895a", bus PCI, desc "…"` lines under category headers. */
export function parseDevices(text: string): string[] {
  return [...text.matchAll(/^name "([^"]+)"/gm)].map((m) => m[1] ?? '').filter((n) => n !== '');
}

/** `-device X,help` / `-object X,help`: `  prop=<type>  - description` lines. */
export function parseProperties(text: string): string[] {
  return [...text.matchAll(/^\s+([A-Za-z0-9_.-]+)=</gm)].map((m) => m[1] ?? '');
}

/** `-object help`: an indented type name per line. */
export function parseObjectTypes(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => /^[A-Za-z0-9_.-]+$/.test(line));
}

/** `-accel help`: a header, then one accelerator per line. */
export function parseAccels(text: string): string[] {
  return parseObjectTypes(text);
}

/** `MemTotal:  8123456 kB` from /proc/meminfo, in MiB. */
export function parseMemTotalMiB(meminfo: string): number | null {
  const kib = /^MemTotal:\s+(\d+)\s+kB/m.exec(meminfo)?.[1];
  return kib === undefined ? null : Math.floor(Number(kib) / 1024);
}
