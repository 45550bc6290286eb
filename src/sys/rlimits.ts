import { readFileSync } from 'node:fs';

/** One resource limit; `Infinity` stands for "unlimited". */
export interface HostRlimit {
  soft: number;
  hard: number;
}

/** Row titles of /proc/<pid>/limits mapped to RLIMIT_* names. */
const LIMIT_TITLES: Record<string, string> = {
  'Max cpu time': 'RLIMIT_CPU',
  'Max file size': 'RLIMIT_FSIZE',
  'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK',
  'Max core file size': 'RLIMIT_CORE',
  'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC',
  'Max open files': 'RLIMIT_NOFILE',
  'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS',
  'Max file locks': 'RLIMIT_LOCKS',
  'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE',
  'Max nice priority': 'RLIMIT_NICE',
  'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
};

/** Parses the text of /proc/<pid>/limits. */
export function parseProcLimits(text: string): Map<string, HostRlimit> {
  const out = new Map<string, HostRlimit>();
  const num = (s: string): number => (s === 'unlimited' ? Infinity : Number(s));
  for (const line of text.split('\n')) {
    for (const [title, name] of Object.entries(LIMIT_TITLES)) {
      if (!line.startsWith(title + ' ')) continue;
      const fields = line.slice(title.length).trim().split(/\s+/);
      if (fields.length >= 2) out.set(name, { soft: num(fields[0]!), hard: num(fields[1]!) });
    }
  }
  return out;
}

/**
 * The limits of this process, which conmon and the runtime inherit. Without CAP_SYS_RESOURCE a
 * container cannot be given more than the hard limits here.
 */
export function hostRlimits(): Map<string, HostRlimit> {
  try {
    return parseProcLimits(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return new Map();
  }
}
