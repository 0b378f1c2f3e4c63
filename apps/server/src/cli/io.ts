/** The streams a command writes to; tests of the CLI run the real binary, so these are real. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Exit statuses: 1 the topology or the run failed, 2 the command line or the file is wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
