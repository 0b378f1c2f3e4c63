/**
 * `mpqemu doctor`: measures what this host's QEMU does with each catalogue model as a proxied
 * device, prints it (or the JSON report) and stores it in the data directory for the validator
 * and the palette.
 */
import { DEVICE_MODEL_NAMES, type DoctorReport, type DoctorResult } from '@mpqemu/shared';
import { ConfigError, loadConfig } from '../config.ts';
import { checkGuest, doctorGuest } from '../doctor/guest.ts';
import {
  DEFAULT_CHECK_TIMEOUT_MS,
  DOCTOR_MACHINES,
  runDoctor,
  unknownModels,
  type DoctorMachine,
} from '../doctor/run-doctor.ts';
import { binaryIdentity, saveMeasured } from '../doctor/store.ts';
import { probeCapabilities } from '../probe/index.ts';
import { EXIT, type CliIo } from './io.ts';

export interface DoctorFlags {
  json: boolean;
  models: string | undefined;
  machine: string | undefined;
  timeout: string | undefined;
  kernel: string | undefined;
  initrd: string | undefined;
}

type Parsed =
  { models: string[]; machines: DoctorMachine[]; timeoutMs: number } | { error: string };

function parseFlags(flags: DoctorFlags): Parsed {
  const models =
    flags.models === undefined ? [...DEVICE_MODEL_NAMES] : flags.models.split(',').filter(Boolean);
  const unknown = unknownModels(models);
  if (models.length === 0 || unknown.length > 0) {
    return {
      error: `--models: ${unknown.length > 0 ? `unknown model "${unknown[0] ?? ''}"` : 'empty list'}; the catalogue has ${DEVICE_MODEL_NAMES.join(', ')}`,
    };
  }
  const machines = (flags.machine?.split(',') ?? [...DOCTOR_MACHINES]).filter(Boolean);
  const badMachine = machines.find((m) => !(DOCTOR_MACHINES as readonly string[]).includes(m));
  if (machines.length === 0 || badMachine !== undefined) {
    return {
      error: `--machine: "${badMachine ?? ''}" is not one of ${DOCTOR_MACHINES.join(', ')}`,
    };
  }
  const seconds =
    flags.timeout === undefined ? DEFAULT_CHECK_TIMEOUT_MS / 1000 : Number(flags.timeout);
  if (!Number.isFinite(seconds) || seconds < 5 || seconds > 3600) {
    return {
      error: `--timeout: "${flags.timeout ?? ''}" must be a number of seconds per check, from 5 to 3600`,
    };
  }
  return { models, machines: machines as DoctorMachine[], timeoutMs: Math.round(seconds * 1000) };
}

/** One line per check for people. */
function formatResult(r: DoctorResult): string {
  const head = r.enumerated ? `enumerated ${r.pciId ?? ''}` : 'NOT enumerated';
  return `${r.model} on ${r.machine}: ${head}, hot-plug ${r.hotplug}, restart ${r.restart}, io ${r.io} (${(r.ms / 1000).toFixed(1)} s)`;
}

function formatReport(report: DoctorReport): string {
  const lines = [
    `QEMU ${report.qemu.version ?? '(unknown version)'} at ${report.qemu.binary}; KVM ${report.kvmUsable ? 'usable' : 'not usable'}`,
  ];
  for (const r of report.results) {
    lines.push('', formatResult(r), ...r.evidence.map((e) => `  ${e}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the doctor; progress goes to stderr so that stdout holds only the report. */
export async function doctor(flags: DoctorFlags, io: CliIo): Promise<number> {
  const parsed = parseFlags(flags);
  if ('error' in parsed) {
    io.stderr(`mpqemu doctor: ${parsed.error}\n`);
    return EXIT.usage;
  }
  const guest = doctorGuest({
    ...(flags.kernel === undefined ? {} : { kernel: flags.kernel }),
    ...(flags.initrd === undefined ? {} : { initrd: flags.initrd }),
  });
  let report: DoctorReport | undefined;
  let dataDir: string;
  try {
    await checkGuest(guest);
    const config = loadConfig([], process.env);
    if (config === 'help') throw new Error('unreachable: loadConfig returned help without argv');
    dataDir = config.dataDir;
    const caps = await probeCapabilities(config.qemu);
    for await (const event of runDoctor({ caps, guest, ...parsed })) {
      if (event.type === 'check') {
        io.stderr(`[${event.index + 1}/${event.total}] ${event.model} on ${event.machine} ...\n`);
      } else if (event.type === 'result') {
        io.stderr(`  ${formatResult(event.result)}\n`);
      } else report = event.report;
    }
    if (!report) throw new Error('doctor ended without a report');
    const stored = await saveMeasured(
      dataDir,
      await binaryIdentity(caps.binary, caps.version),
      report,
    );
    io.stderr(
      `mpqemu doctor: results stored for ${caps.binary} (${stored.measuredAt}) in ${dataDir}\n`,
    );
  } catch (e) {
    io.stderr(`mpqemu doctor: ${(e as Error).message}\n`);
    return e instanceof ConfigError ? EXIT.usage : EXIT.failed;
  }
  io.stdout(flags.json ? `${JSON.stringify(report)}\n` : formatReport(report));
  return EXIT.ok;
}
