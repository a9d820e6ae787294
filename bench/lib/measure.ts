import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Wall time, CPU time and peak RSS of one child process. */
export interface Measured {
  code: number | null;
  seconds: number;
  userSeconds: number;
  systemSeconds: number;
  /** Peak resident set size of the child (and its threads), MiB. */
  maxRssMiB: number;
  stdout: string;
  stderr: string;
}

/**
 * Run a command in a child process and measure it. Uses GNU time (`/usr/bin/time -v`) when present,
 * so peak RSS covers the whole process, worker threads included.
 */
export function runMeasured(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; onStderr?: (s: string) => void } = {}): Promise<Measured> {
  const gnuTime = existsSync('/usr/bin/time');
  const [file, argv] = gnuTime ? ['/usr/bin/time', ['-v', cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env ?? process.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      const s = d.toString();
      err += s;
      opts.onStderr?.(s);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      const num = (re: RegExp): number => Number(re.exec(err)?.[1] ?? NaN);
      resolve({
        code,
        seconds,
        userSeconds: num(/User time \(seconds\): ([\d.]+)/),
        systemSeconds: num(/System time \(seconds\): ([\d.]+)/),
        maxRssMiB: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024,
        stdout: out,
        stderr: err,
      });
    });
  });
}
