import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system) a process has used so far, in milliseconds, from
 * /proc/<pid>/stat (its own threads, not its children's).
 */
export function cpuMs(pid: number): number {
  return statMs(readFileSync(`/proc/${pid}/stat`, 'utf8'), false);
}

/** The CPU time in a /proc/<pid>/stat line; with `children`, that of the children the process waited for too. */
export function statMs(stat: string, children: boolean): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  // The command name (field 2) may hold spaces: count fields from after it. utime, stime, cutime and cstime are fields 14–17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, children ? 15 : 13);
  return (fields.reduce((sum, f) => sum + Number(f), 0) * 1000) / ticksPerSecond;
}

/**
 * CPU time every PostgreSQL process on the machine has used so far, in
 * milliseconds: each `postgres` process's own, plus what the exited children a
 * `postgres` process reaped had used (backends of closed connections, counted
 * into the postmaster), so the sum only grows while connections come and go.
 */
export function postgresCpuMs(): number {
  let ms = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited since the directory was read
    }
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
    ms += statMs(stat, true);
  }
  return ms;
}

/** Where a named CPU figure comes from: a process id, or a reader of a running total in milliseconds. */
export type CpuSource = number | (() => number);

/** CPU used by each named source while `work` runs, in milliseconds. */
export async function cpuDuring<T>(sources: Record<string, CpuSource>, work: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number> }> {
  const read = (source: CpuSource) => (typeof source === 'number' ? cpuMs(source) : source());
  const before = Object.fromEntries(Object.entries(sources).map(([name, source]) => [name, read(source)]));
  const result = await work();
  const cpu = Object.fromEntries(Object.entries(sources).map(([name, source]) => [name, read(source) - before[name]!]));
  return { result, cpu };
}
