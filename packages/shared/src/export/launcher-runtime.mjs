// @ts-check
/**
 * The fixed body of the exported launcher (plain JavaScript for Node >= 20). Everything variable
 * comes from the PLAN literal that exportLauncherScript puts between the plan markers. This file is
 * the source: scripts/embed-launcher-runtime.mjs turns it into launcher-runtime.ts, because
 * packages/shared must not read files at run time; a test checks that the two match. Run by itself
 * it reads the plan as JSON from MPQEMU_LAUNCHER_PLAN (the tests do that).
 */
// mpqemu:launcher-start
import { spawn } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  lstatSync,
  mkdirSync,
  readdirSync,
  rmSync,
  rmdirSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
// mpqemu:plan-start
/** @type {import('./launcher-script.ts').EmbeddedPlan} */
const PLAN = JSON.parse(process.env.MPQEMU_LAUNCHER_PLAN ?? 'null');
// mpqemu:plan-end

if (Number(process.versions.node.split('.')[0]) < 20) {
  console.error('mpqemu launcher: Node.js 20 or newer is required');
  process.exit(2);
}

const GRACE_MS = 3000;
/** device_del to DEVICE_DELETED: the guest must release the device (measured 0.06 s). */
const UNPLUG_MS = 10000;
/** @typedef {EmbeddedPlan['processes'][number]} PlannedProcess */
/** @typedef {import('./launcher-script.ts').EmbeddedPlan} EmbeddedPlan */
/** @typedef {{ child: import('node:child_process').ChildProcess, tail: string[], exited: boolean }} Tracked */
/** @typedef {{ execute: (command: string, args?: Record<string, unknown>) => Promise<unknown>, deviceDeleted: (id: string) => Promise<boolean>, close: () => void }} Qmp */
/** @type {Map<string, Tracked>} */
const children = new Map();
let stopping = false;
let running = false;
let exitCode = 0;
/** @type {net.Socket | null} */
let serial = null;
/** @type {string | null} */
let setpriv = null;
/** The main QEMU's QMP, kept open for restarts. @type {Qmp | null} */
let mainQmp = null;
/**
 * Our ends of the spare socketpairs whose other ends the main QEMU holds: Node cannot hand an fd
 * to a running QEMU (QMP getfd needs SCM_RIGHTS), so each restart uses one of these up.
 * @type {{ fd: number, end: net.Socket }[]}
 */
const spareEnds = [];
/** Times of the restarts made so far, per process. @type {Map<string, number[]>} */
const restartTimes = new Map();

/** @param {string} message */
function log(message) {
  process.stderr.write('[mpqemu] ' + message + '\n');
}

function findSetpriv() {
  for (const dir of (process.env.PATH || '/usr/bin:/bin').split(':')) {
    if (dir === '') continue;
    try {
      accessSync(path.join(dir, 'setpriv'), constants.X_OK);
      return path.join(dir, 'setpriv');
    } catch {
      // Not in this PATH entry: try the next one.
    }
  }
  return null;
}

/**
 * @param {string} socketPath
 * @returns {Promise<boolean>}
 */
function isLive(socketPath) {
  return new Promise((resolve) => {
    const s = net.connect(socketPath);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

// The run directory holds the QMP and serial sockets: private to this user. A leftover one from
// a killed run is reused only when it holds nothing but dead sockets.
/** @param {string} dir */
async function prepareRunDir(dir) {
  try {
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o700);
    return;
  } catch (e) {
    if (errorCode(e) !== 'EEXIST') throw e;
  }
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0) {
    throw new Error(dir + ' exists and is not a private directory of this user; remove it first');
  }
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (!lstatSync(file).isSocket()) throw new Error(dir + ' holds ' + name + '; remove it first');
    if (await isLive(file)) throw new Error(file + ' is in use: is this VM already running?');
    rmSync(file);
  }
}

/** @param {string} dir */
function cleanRunDir(dir) {
  try {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (lstatSync(file).isSocket()) rmSync(file);
    }
    rmdirSync(dir);
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') log('could not remove ' + dir + ': ' + messageOf(e));
  }
}

/** @param {unknown} e */
function errorCode(e) {
  return e instanceof Error && 'code' in e ? e.code : undefined;
}

/** @param {unknown} e */
function messageOf(e) {
  return e instanceof Error ? e.message : String(e);
}

/**
 * @param {string[]} argv
 * @param {string | null} setpriv
 * @returns {[string, string[]]}
 */
function commandOf(argv, setpriv) {
  const binary = process.env.MPQEMU_QEMU || argv[0] || 'qemu-system-x86_64';
  const rest = argv.slice(1);
  // With setpriv, QEMU dies with this script even when the script is SIGKILLed.
  return setpriv ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', binary, ...rest]] : [binary, rest];
}

/** @typedef {import('node:child_process').IOType | import('node:stream').Stream | null | undefined} Stdio */

/**
 * @param {Record<string, string>} fds
 * @returns {Stdio[]}
 */
function stdioFor(fds) {
  /** @type {Stdio[]} */
  const stdio = ['ignore', 'pipe', 'pipe'];
  const max = Math.max(2, ...Object.keys(fds).map(Number));
  for (let fd = 3; fd <= max; fd++) stdio[fd] = 'ignore';
  return stdio;
}

/**
 * @param {string} name
 * @param {import('node:child_process').ChildProcess} child
 */
function track(name, child) {
  /** @type {string[]} */
  const tail = [];
  const entry = { child, tail, exited: false };
  children.set(name, entry);
  /** @param {Buffer} chunk */
  const onData = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      tail.push(line);
      if (tail.length > 20) tail.shift();
      process.stderr.write('[' + name + '] ' + line + '\n');
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.on('error', (e) => {
    log(name + ': ' + e.message);
    entry.exited = true;
    stop(1);
  });
  child.on('exit', (code, signal) => {
    entry.exited = true;
    if (!stopping && children.get(name) === entry) {
      const how = signal ? 'was killed by ' + signal : 'exited with code ' + code;
      if (name === 'main' && code === 0) {
        log('the main QEMU exited (guest powered off)');
        stop(0);
      } else if (name !== 'main' && running) {
        remoteDied(name, how, code === 0 && !signal);
      } else {
        log(name + ' ' + how + ': stopping the others');
        stop(1);
      }
    }
    if ([...children.values()].every((c) => c.exited)) finish();
  });
}

/**
 * The same decision as the server's (packages/shared/src/live/restart-policy.ts): at most
 * maxRestarts within windowSeconds, the backoff doubling with each restart in the window.
 * @param {EmbeddedPlan['processes'][number]['restart']} policy
 * @param {number[]} past
 * @returns {{ restart: true, delayMs: number } | { restart: false, reason: string }}
 */
function decideRestart(policy, past) {
  if (!policy || policy.mode === 'never') {
    return { restart: false, reason: 'its restart policy is "never"' };
  }
  const now = Date.now();
  const recent = past.filter((t) => now - t < policy.windowSeconds * 1000).length;
  if (recent >= policy.maxRestarts) {
    return {
      restart: false,
      reason:
        'it was already restarted ' +
        recent +
        (recent === 1 ? ' time' : ' times') +
        ' within ' +
        policy.windowSeconds +
        ' s (the policy allows ' +
        policy.maxRestarts +
        ')',
    };
  }
  return { restart: true, delayMs: policy.backoffMs * 2 ** recent };
}

/**
 * A remote process died while the VM ran: restart it under its policy, else the VM keeps running
 * without the device (the guest reads 0xffff from it) and the script will exit 1.
 * @param {string} name
 * @param {string} how
 * @param {boolean} clean
 */
function remoteDied(name, how, clean) {
  const p = PLAN.processes.find((x) => x.name === name);
  if (!p) return;
  const past = restartTimes.get(name) ?? [];
  /** @type {ReturnType<typeof decideRestart>} */
  let decision = clean
    ? { restart: false, reason: 'it exited by itself' }
    : decideRestart(p.restart, past);
  if (decision.restart && spareEnds.length === 0) {
    decision = { restart: false, reason: 'no spare channel is left' };
  }
  if (decision.restart === false) {
    exitCode = 1;
    log(
      name +
        ' ' +
        how +
        '; not restarted: ' +
        decision.reason +
        '; the VM keeps running without ' +
        p.devices.join(', ') +
        ' (Ctrl-C stops it)',
    );
    return;
  }
  restartTimes.set(name, [...past, Date.now()]);
  log(name + ' ' + how + '; restarting in ' + decision.delayMs + ' ms (restart policy)');
  setTimeout(() => {
    restart(p).catch((e) => {
      if (stopping) return;
      exitCode = 1;
      log(name + ': restart failed: ' + messageOf(e) + '; the VM keeps running without it');
    });
  }, decision.delayMs);
}

/**
 * Unplug the proxy, start the process again on a spare channel, plug the proxy back at its slot.
 * The main QEMU and the guest keep running throughout.
 * @param {PlannedProcess} p
 */
async function restart(p) {
  const qmp = mainQmp;
  const device = p.devices[0];
  if (stopping || !qmp || device === undefined || p.slot === null) return;
  const deleted = qmp.deviceDeleted(device);
  try {
    await qmp.execute('device_del', { id: device });
  } catch (e) {
    if (!(e instanceof Error && 'errorClass' in e && e.errorClass === 'DeviceNotFound')) throw e;
  }
  if (!(await deleted)) {
    throw new Error(
      'the guest did not release ' + device + ' within ' + UNPLUG_MS / 1000 + ' s after device_del',
    );
  }
  const spare = spareEnds.shift();
  if (stopping || !spare) return;
  rmSync(p.qmpSocket, { force: true });
  const [cmd, args] = commandOf(p.argv, setpriv);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe', spare.end] });
  // Our copy must go, or the new process never sees EOF when the main QEMU dies.
  spare.end.destroy();
  track(p.name, child);
  await waitQmp(p, Date.now() + PLAN.readyTimeoutMs);
  await qmp.execute('device_add', {
    driver: 'x-pci-proxy-dev',
    id: device,
    [PLAN.proxyChannel]: String(spare.fd),
    addr: '0x' + p.slot.toString(16),
  });
  log(p.name + ' restarted (pid ' + child.pid + '); ' + device + ' is back in the guest');
}

// Remote processes first, then the main QEMU with the other ends, all in this one tick: the
// parent's copy of each socket starts reading as soon as it exists and would swallow bytes.
function spawnAll() {
  setpriv = findSetpriv();
  if (!setpriv)
    log('setpriv not found: QEMU will outlive this script if it is killed with SIGKILL');
  /** @type {Map<string, import('node:stream').Stream>} */
  const ends = new Map();
  for (const p of PLAN.processes.filter((x) => x.role === 'remote')) {
    const stdio = stdioFor(p.fds);
    for (const fd of Object.keys(p.fds)) stdio[Number(fd)] = 'pipe';
    const [cmd, args] = commandOf(p.argv, setpriv);
    const child = spawn(cmd, args, { stdio });
    for (const [fd, device] of Object.entries(p.fds)) {
      const end = child.stdio[Number(fd)];
      if (end) ends.set(device, end);
    }
    track(p.name, child);
  }
  const main = mainProcess();
  const stdio = stdioFor(main.fds);
  for (const [fd, device] of Object.entries(main.fds)) stdio[Number(fd)] = ends.get(device);
  for (const fd of PLAN.spares) stdio[fd] = 'pipe';
  const [cmd, args] = commandOf(main.argv, setpriv);
  const child = spawn(cmd, args, { stdio });
  track('main', child);
  for (const fd of PLAN.spares) {
    const end = child.stdio[fd];
    if (!(end instanceof net.Socket)) continue;
    // Nobody writes on a spare before a remote holds it; never read from it here either.
    end.pause();
    end.on('error', () => {});
    spareEnds.push({ fd, end });
  }
  // Our copies must go, or a process never sees EOF when its peer dies.
  for (const end of ends.values()) if (end instanceof net.Socket) end.destroy();
}

function mainProcess() {
  const main = PLAN.processes.find((x) => x.role === 'main');
  if (!main) throw new Error('the plan has no main QEMU process');
  return main;
}

/**
 * @param {string} socketPath
 * @param {number} deadline
 * @returns {Promise<net.Socket>}
 */
function connectWhenReady(socketPath, deadline) {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (stopping) return reject(new Error('stopped'));
      const s = net.connect(socketPath);
      s.once('connect', () => resolve(s));
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error('no answer on ' + socketPath));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

// A QMP greeting is not readiness (device setup may still block): qmp_capabilities, then a query.
// The main QEMU's connection stays open for restarts (device_del, DEVICE_DELETED, device_add).
/**
 * @param {PlannedProcess} p
 * @param {number} deadline
 */
async function waitQmp(p, deadline) {
  const s = await connectWhenReady(p.qmpSocket, deadline);
  s.on('error', () => {});
  let buffer = '';
  let nextId = 1;
  /** @typedef {{ id?: number, return?: unknown, error?: { class: string, desc: string }, event?: string, data?: { device?: string } }} QmpMessage */
  /** @type {Map<number, (msg: QmpMessage) => void>} */
  const pendingReplies = new Map();
  /** @type {Set<(msg: QmpMessage) => void>} */
  const listeners = new Set();
  s.on('data', (/** @type {Buffer} */ chunk) => {
    buffer += chunk.toString('utf8');
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      /** @type {QmpMessage} */
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof msg.event === 'string') for (const l of listeners) l(msg);
      const reply = msg.id === undefined ? undefined : pendingReplies.get(msg.id);
      if (reply && msg.id !== undefined) {
        pendingReplies.delete(msg.id);
        reply(msg);
      }
    }
  });
  /** @type {Qmp['execute']} */
  const execute = (command, args) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(
        () => reject(new Error(p.name + ': QMP ' + command + ' timed out')),
        Math.max(5000, deadline - Date.now()),
      );
      pendingReplies.set(id, (msg) => {
        clearTimeout(timer);
        if (msg.error) {
          reject(
            Object.assign(new Error(p.name + ': ' + msg.error.desc), {
              errorClass: msg.error.class,
            }),
          );
        } else resolve(msg.return);
      });
      s.write(JSON.stringify({ execute: command, arguments: args, id }) + '\n');
    });
  /** @type {Qmp['deviceDeleted']} */
  const deviceDeleted = (id) =>
    new Promise((resolve) => {
      /** @param {QmpMessage} msg */
      const listener = (msg) => {
        if (msg.event !== 'DEVICE_DELETED' || msg.data?.device !== id) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(true);
      };
      const timer = setTimeout(() => {
        listeners.delete(listener);
        resolve(false);
      }, UNPLUG_MS);
      listeners.add(listener);
    });
  // QEMU can hang in a stray accept() of its QMP listener, holding its global lock; another
  // connection frees it (the server's qmp/client.ts says more). Nudge while the handshake stalls.
  const nudges = setInterval(() => {
    const n = net.connect(p.qmpSocket);
    n.on('error', () => {});
    n.on('connect', () => n.destroy());
  }, 1000);
  try {
    await execute('qmp_capabilities');
    await execute('query-status');
  } catch (e) {
    s.destroy();
    throw e;
  } finally {
    clearInterval(nudges);
  }
  if (p.role === 'main') mainQmp = { execute, deviceDeleted, close: () => s.destroy() };
  else s.destroy();
}

/**
 * @param {string} socketPath
 * @param {number} deadline
 */
async function attachSerial(socketPath, deadline) {
  const socket = await connectWhenReady(socketPath, deadline);
  serial = socket;
  socket.on('data', (chunk) => process.stdout.write(chunk));
  socket.on('error', () => {});
  if (process.stdin.isTTY) {
    process.stdin.setRawMode(true);
    log('serial console attached; Ctrl-C stops the VM');
  }
  process.stdin.on('data', (/** @type {Buffer} */ chunk) => {
    // In raw mode the terminal sends Ctrl-C as a byte instead of a signal.
    if (process.stdin.isTTY && chunk.includes(3)) return stop(0);
    if (!socket.destroyed) socket.write(chunk);
  });
  process.stdin.on('error', () => {});
  process.stdin.resume();
}

/** @param {NodeJS.Signals} signal */
function signalAll(signal) {
  for (const [, c] of children) if (!c.exited) c.child.kill(signal);
}

/** @param {number} code */
function stop(code) {
  if (code > exitCode) exitCode = code;
  if (stopping) return;
  stopping = true;
  log('stopping');
  if (serial) serial.destroy();
  mainQmp?.close();
  for (const spare of spareEnds.splice(0)) spare.end.destroy();
  // The main QEMU first: its remote processes exit by themselves when it is gone.
  const main = children.get('main');
  if (main && !main.exited) main.child.kill('SIGTERM');
  else signalAll('SIGTERM');
  setTimeout(() => signalAll('SIGTERM'), GRACE_MS).unref();
  setTimeout(() => signalAll('SIGKILL'), 2 * GRACE_MS).unref();
  if ([...children.values()].every((c) => c.exited)) finish();
}

function finish() {
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  process.stdin.pause();
  cleanRunDir(PLAN.runDir);
  log(exitCode === 0 ? 'stopped' : 'failed');
  process.exit(exitCode);
}

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(0));
  log(
    'starting ' +
      PLAN.title +
      ' (' +
      PLAN.processes.length +
      ' QEMU processes, run dir ' +
      PLAN.runDir +
      ')',
  );
  try {
    await prepareRunDir(PLAN.runDir);
  } catch (e) {
    log(messageOf(e));
    process.exit(1);
  }
  spawnAll();
  const deadline = Date.now() + PLAN.readyTimeoutMs;
  const mainPlan = mainProcess();
  const waits = PLAN.processes.map((p) => waitQmp(p, deadline).then(() => log(p.name + ' ready')));
  if (mainPlan.serialSocket) waits.push(attachSerial(mainPlan.serialSocket, deadline));
  try {
    await Promise.all(waits);
    running = true;
    if (!stopping) log('running');
  } catch (e) {
    if (!stopping) {
      log('not ready: ' + messageOf(e));
      stop(1);
    }
  }
}

main();
