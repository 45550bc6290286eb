import { readFile } from 'node:fs/promises';

/**
 * Whether `pid` is a running conmon. The name is checked because after a reboot or a long
 * downtime the pid may belong to someone else; the state because an exited conmon stays a zombie
 * until init reaps it, and some inits (in sandboxes and containers) never do.
 */
export async function isLiveConmon(pid: number): Promise<boolean> {
  const st = await procStat(pid);
  return st !== undefined && st.comm === 'conmon' && st.state !== 'Z' && st.state !== 'X';
}

/** Whether `pid` exists and is not a zombie. */
export async function isLiveProcess(pid: number): Promise<boolean> {
  const st = await procStat(pid);
  return st !== undefined && st.state !== 'Z' && st.state !== 'X';
}

async function procStat(pid: number): Promise<{ comm: string; state: string } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // "<pid> (<comm>) <state> …": comm may hold spaces and parentheses, so split at the last ')'.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  return { comm: stat.slice(open + 1, close), state: stat.slice(close + 2, close + 3) };
}
