/**
 * The Doctor: measures, on the server's own QEMU, what each catalogue model does as a proxied
 * device, shows the evidence, and (once stored) makes the palette and the checks use it.
 */
import { DEVICE_MODEL_NAMES, type DoctorResult, type MeasuredFacts } from '@mpqemu/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, useSubscription, useTRPC } from '../api/index.ts';
import { Modal } from '../shell/modal.tsx';
import { DoctorResults } from './doctor-results.tsx';
import './doctor.css';

const MACHINES = ['pc', 'q35'] as const;
type Machine = (typeof MACHINES)[number];

interface Progress {
  label: string;
  done: number;
  total: number;
}

function toggle<T>(list: readonly T[], item: T, on: boolean): T[] {
  return on ? [...list, item] : list.filter((x) => x !== item);
}

function measuredLine(facts: MeasuredFacts): string {
  const version = facts.report.qemu.version ?? 'unknown version';
  return `Measured on this host's QEMU ${version} (${facts.report.qemu.binary}) on ${facts.measuredAt.slice(0, 10)}, KVM ${facts.report.kvmUsable ? 'usable' : 'not usable'}. The palette and the checks use these results.`;
}

export function DoctorDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const stored = useQuery(trpc.doctor.measured.queryOptions());
  const [models, setModels] = useState<string[]>([...DEVICE_MODEL_NAMES]);
  const [machines, setMachines] = useState<Machine[]>([...MACHINES]);
  const [timeoutS, setTimeoutS] = useState(90);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [results, setResults] = useState<DoctorResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useSubscription(
    trpc.doctor.run.subscriptionOptions(
      { models, machines, timeoutMs: timeoutS * 1000 },
      {
        enabled: running,
        onData: (event) => {
          if (event.type === 'check') {
            setProgress({
              label: `${event.model} on ${event.machine}`,
              done: event.index,
              total: event.total,
            });
          } else if (event.type === 'result') {
            setResults((prev) => [...(prev ?? []), event.result]);
          } else if (event.type === 'stored') {
            setRunning(false);
            setProgress(null);
            void queryClient.invalidateQueries({ queryKey: trpc.doctor.measured.queryKey() });
            // The validator and the palette read the capabilities: fetch them with the new facts.
            void queryClient.invalidateQueries({ queryKey: trpc.capabilities.get.queryKey() });
          }
        },
        onError: (e) => {
          setRunning(false);
          setProgress(null);
          setError(errorMessage(e));
        },
      },
    ),
  );

  const start = () => {
    setError(null);
    setResults([]);
    setRunning(true);
  };
  const shown = results ?? stored.data?.report.results ?? null;
  const canRun = models.length > 0 && machines.length > 0 && timeoutS >= 5 && timeoutS <= 3600;

  return (
    <Modal
      title="Doctor: this host's QEMU and multi-process"
      testId="doctor-dialog"
      wide
      onClose={onClose}
      actions={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          {running ? (
            <button
              type="button"
              className="btn btn--danger"
              data-testid="doctor-cancel"
              onClick={() => {
                // Unsubscribing aborts the server's run: it kills the VM under test.
                setRunning(false);
                setProgress(null);
              }}
            >
              Cancel
            </button>
          ) : (
            <button
              type="button"
              className="btn btn--primary"
              data-testid="doctor-run"
              disabled={!canRun}
              onClick={start}
            >
              Run doctor
            </button>
          )}
        </>
      }
    >
      <p className="doctor__intro">
        Boots the test guest once per model and machine with the model in a remote process, and
        records whether the guest enumerates it, hot-plug and unplug, restart of its process, and
        (with usable KVM only) one real I/O. A model that hangs ends at the timeout.
      </p>
      <fieldset className="doctor__choices" disabled={running}>
        <legend>Models</legend>
        {DEVICE_MODEL_NAMES.map((m) => (
          <label key={m} className="doctor__choice mono">
            <input
              type="checkbox"
              data-testid={`doctor-model-${m}`}
              checked={models.includes(m)}
              onChange={(e) => setModels((prev) => toggle(prev, m, e.target.checked))}
            />
            {m}
          </label>
        ))}
      </fieldset>
      <fieldset className="doctor__choices" disabled={running}>
        <legend>Machines</legend>
        {MACHINES.map((m) => (
          <label key={m} className="doctor__choice">
            <input
              type="checkbox"
              data-testid={`doctor-machine-${m}`}
              checked={machines.includes(m)}
              onChange={(e) => setMachines((prev) => toggle(prev, m, e.target.checked))}
            />
            {m}
          </label>
        ))}
        <label className="doctor__choice">
          Timeout per check (s)
          <input
            className="input doctor__timeout"
            type="number"
            min={5}
            max={3600}
            data-testid="doctor-timeout"
            value={timeoutS}
            onChange={(e) => setTimeoutS(Number(e.target.value))}
          />
        </label>
      </fieldset>
      {progress && (
        <div className="doctor__progress" role="status" data-testid="doctor-progress">
          {/* Indeterminate until a check has ended: a boot under TCG takes its time. */}
          {progress.done === 0 ? (
            <progress aria-label="Doctor progress" />
          ) : (
            <progress aria-label="Doctor progress" max={progress.total} value={progress.done} />
          )}
          Checking {progress.label} ({progress.done + 1}/{progress.total})…
        </div>
      )}
      {error && (
        <p className="doctor__error" role="alert" data-testid="doctor-error">
          {error}
        </p>
      )}
      {!running && results === null && stored.data && (
        <p className="doctor__stored" data-testid="doctor-stored">
          {measuredLine(stored.data)}
        </p>
      )}
      {!running && results === null && stored.data === null && (
        <p className="doctor__stored muted">
          Doctor has not run on this QEMU yet: the catalogue&apos;s built-in facts (measured on QEMU
          7.2) apply.
        </p>
      )}
      {shown && shown.length > 0 && <DoctorResults results={shown} />}
    </Modal>
  );
}
