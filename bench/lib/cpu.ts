// CPU seconds of processes from /proc (Linux); 0 where /proc is missing. Ratios of CPU per request hold up
// on a loaded machine far better than throughput does.
import { readdirSync, readFileSync } from 'node:fs';

/** Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
function stat(pid: number | string): string[] {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds a process has used so far (user + system). */
export function processCpuSeconds(pid: number): number {
  try {
    const f = stat(pid);
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** The postmaster of a backend (its parent process). */
export function parentPid(pid: number): number {
  return Number(stat(pid)[1]);
}

/**
 * CPU seconds used so far by a PostgreSQL server: the postmaster, its live children (backends, WAL writer,
 * checkpointer…) and the children that have exited (the postmaster waits for them, so their time is in its
 * cutime/cstime).
 */
export function postgresCpuSeconds(postmasterPid: number): number {
  try {
    const pm = stat(postmasterPid);
    let ticks = Number(pm[11]) + Number(pm[12]) + Number(pm[13]) + Number(pm[14]);
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const f = stat(pid);
        if (Number(f[1]) === postmasterPid) ticks += Number(f[11]) + Number(f[12]);
      } catch {
        // The process ended meanwhile.
      }
    }
    return ticks / 100;
  } catch {
    return 0;
  }
}
