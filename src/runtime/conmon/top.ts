/** Output of `top`, shaped like Docker's ContainerTopOKBody. */
export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

/**
 * Keeps the rows of host `ps` output whose PID column is one of `pids`. The last column (the
 * command) may contain spaces, so each row is split into exactly as many fields as there are titles.
 */
export function filterPsOutput(output: string, pids: ReadonlySet<number>): TopResult {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return { Titles: [], Processes: [] };
  const Titles = lines[0]!.trim().split(/\s+/);
  const pidIndex = Titles.indexOf('PID');
  if (pidIndex < 0) throw new Error(`Couldn't find PID field in ps output`);
  const Processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = splitFields(line.trim(), Titles.length);
    const pid = Number(fields[pidIndex]);
    if (pids.has(pid)) Processes.push(fields);
  }
  return { Titles, Processes };
}

function splitFields(line: string, count: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (out.length < count - 1) {
    const m = /^(\S+)\s*/.exec(rest);
    if (!m) break;
    out.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  out.push(rest);
  return out;
}
