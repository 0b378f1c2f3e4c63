import type { ObservedJail, ProcessJail } from '@mpqemu/shared';
import './jail.css';

/** One line on what the kernel says the process has: uid, namespaces, network. */
function summary(jail: ProcessJail): string {
  if (!jail.confined) return `UNCONFINED: ${jail.unconfinedBecause ?? 'no jail'}`;
  const o = jail.observed;
  if (!o) return 'jailed (not read back yet)';
  const net = o.ownNamespaces.includes('net')
    ? 'no network'
    : `network: ${jail.networkBecause ?? 'shared'}`;
  return `jailed: uid ${o.uid}, own ${o.ownNamespaces.join(', ')} namespaces, sees /${(o.rootEntries ?? []).join(' /')}, ${net}`;
}

/** The confinement badge of a process node: jailed (read back from /proc) or unconfined. */
export function JailBadge({ id, jail }: { id: string; jail: ProcessJail }) {
  const state = !jail.confined ? 'unconfined' : jail.observed ? 'jailed' : 'pending';
  return (
    <span
      className={`jail-badge jail-badge--${state}`}
      data-testid={`jail-${id}`}
      data-state={state}
      title={summary(jail)}
    >
      {state === 'unconfined' ? 'unconfined' : 'jailed'}
    </span>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className="mono">{children}</dd>
    </>
  );
}

function ObservedRows({ o, jail }: { o: ObservedJail; jail: ProcessJail }) {
  const network = o.ownNamespaces.includes('net')
    ? 'none (own empty network namespace)'
    : `host network: ${jail.networkBecause ?? 'shared'}`;
  return (
    <dl className="jail-facts">
      <Row label="pid">{o.pid}</Row>
      <Row label="uid / gid">
        {o.uid} / {o.gid}
      </Row>
      <Row label="own namespaces">{o.ownNamespaces.join(', ') || 'none'}</Row>
      <Row label="shared with the server">{o.sharedNamespaces.join(', ') || 'none'}</Row>
      <Row label="sees">
        {o.rootEntries === null ? 'unknown' : o.rootEntries.map((e) => `/${e}`).join(' ')}
      </Row>
      <Row label="network">{network}</Row>
      <Row label="capabilities">{/^0+$/.test(o.capabilities) ? 'none' : o.capabilities}</Row>
      <Row label="no_new_privs">{o.noNewPrivs ? 'yes' : 'no'}</Row>
      <Row label="seccomp">{['off', 'strict', 'filter (-sandbox)'][o.seccomp] ?? o.seccomp}</Row>
      {o.limits.map((l) => (
        <Row key={l.name} label={l.name.replace(/^Max /, 'max ')}>
          {l.value}
        </Row>
      ))}
    </dl>
  );
}

/** The inspector's account of a running process's jail, read back from /proc, not the plan. */
export function JailFacts({ jail }: { jail: ProcessJail }) {
  return (
    <div className="jail-section" data-testid="jail-facts">
      <div className="field__label">
        Jail <JailBadge id="inspector" jail={jail} />
      </div>
      {!jail.confined ? (
        <p className="insp-note jail-warning">
          This process runs unconfined: {jail.unconfinedBecause}. It sees the whole host as the
          server&apos;s user.
        </p>
      ) : jail.observed ? (
        <ObservedRows o={jail.observed} jail={jail} />
      ) : (
        <p className="insp-note">Read back from /proc once the process answers.</p>
      )}
    </div>
  );
}
