/** A NIC's `netdev=` → the document's user-mode backend with its host forwards. */
import type { HostForwardSchema, NetDevice } from '../schema.ts';
import type * as z from 'zod';
import type { Word } from './commands.ts';
import { pendingWith, type ImportContext, type ProcessDraft } from './context.ts';
import { propText } from './qemu-opts.ts';

type HostForward = z.infer<typeof HostForwardSchema>;

/** `tcp:127.0.0.1:2222-:22` → a forward; null when it is not of that shape. */
function parseHostForward(text: string): { fwd: HostForward; hostAddr: string } | null {
  const m = /^(tcp|udp)?:([^:]*):(\d{1,5})-([^:]*):(\d{1,5})$/.exec(text);
  if (!m) return null;
  const hostPort = Number(m[3]);
  const guestPort = Number(m[5]);
  if (hostPort < 1 || hostPort > 65_535 || guestPort < 1 || guestPort > 65_535) return null;
  const protocol = m[1] === 'udp' ? 'udp' : 'tcp';
  return { fwd: { protocol, hostPort, guestPort }, hostAddr: m[2] ?? '' };
}

export function netBackend(
  ctx: ImportContext,
  draft: ProcessDraft,
  name: string | undefined,
  at: Word,
): NetDevice['backend'] {
  const fallback: NetDevice['backend'] = { type: 'user', hostForwards: [] };
  if (name === undefined) {
    ctx.issue('warning', 'NIC without netdev=: given a user-mode backend', at);
    return fallback;
  }
  const opt = pendingWith(draft, '-netdev', 'id', name);
  if (!opt?.props) {
    ctx.issue('warning', `netdev "${name}" not found in the same process: user-mode used`, at);
    return fallback;
  }
  const props = opt.props;
  const where = opt.option.arg ?? opt.option.flagWord;
  if (propText(props, 'type') !== 'user') {
    ctx.issue('warning', `netdev "${name}" is not user-mode networking: user-mode used`, where);
    return fallback;
  }
  opt.consumed = true;
  ctx.ignoredKeys(props, ['type', 'id', 'hostfwd'], `netdev "${name}"`, where);
  const hostForwards: HostForward[] = [];
  const list = Array.isArray(props.hostfwd) ? props.hostfwd : [];
  for (const item of list) {
    const str = typeof item === 'object' && item !== null && !Array.isArray(item) ? item.str : item;
    const parsed = typeof str === 'string' ? parseHostForward(str) : null;
    if (!parsed) {
      ctx.issue('warning', `hostfwd ${JSON.stringify(str)} not understood: dropped`, where);
      continue;
    }
    if (parsed.hostAddr !== '' && parsed.hostAddr !== '127.0.0.1') {
      ctx.issue('warning', `hostfwd on ${parsed.hostAddr} rebound to 127.0.0.1`, where);
    }
    hostForwards.push(parsed.fwd);
  }
  return { type: 'user', hostForwards };
}
