import { InvalidArgumentError } from '../lib/errors/index.js';

/** The image config's `Healthcheck`, durations in nanoseconds as Docker stores them. */
export interface HealthcheckConfig {
  Test: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

const NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration ("30s", "1m30s", "500ms", "0") in nanoseconds, or undefined. */
function goDurationNs(v: string): number | undefined {
  if (v === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let used = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v))) {
    total += Number(m[1]) * NS[m[2]!]!;
    used += m[0].length;
  }
  return used > 0 && used === v.length ? Math.round(total) : undefined;
}

const DURATION_FLAGS: Record<string, 'Interval' | 'Timeout' | 'StartPeriod' | 'StartInterval'> = {
  interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval',
};

/**
 * Parses the argument of a `HEALTHCHECK` instruction (`NONE`, or `[--flags] CMD command` in shell
 * or JSON form) into the config Docker stores, with the Dockerfile's rules and messages: a
 * duration flag must be 0 or at least 1ms, retries must not be negative.
 */
export function parseHealthcheck(arg: string, jsonArray: (s: string) => string[] | null): HealthcheckConfig {
  let rest = arg.trim();
  const hc: Omit<HealthcheckConfig, 'Test'> = {};
  for (;;) {
    const m = /^--([a-z-]+)=(\S*)\s*/.exec(rest);
    if (!m) break;
    rest = rest.slice(m[0].length);
    const [, flag, value] = m as unknown as [string, string, string];
    if (flag === 'retries') {
      if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`invalid value for --retries: ${JSON.stringify(value)}`);
      const n = Number(value);
      if (n < 0) throw new InvalidArgumentError(`--retries cannot be negative (${n})`);
      hc.Retries = n;
      continue;
    }
    const field = DURATION_FLAGS[flag];
    if (!field) throw new InvalidArgumentError(`Unknown flag: ${flag}`);
    const ns = goDurationNs(value);
    if (ns === undefined) throw new InvalidArgumentError(`time: invalid duration ${JSON.stringify(value)}`);
    if (ns !== 0 && ns < 1e6) throw new InvalidArgumentError(`Interval "${flag}" cannot be less than 1ms`);
    hc[field] = ns;
  }
  const m = /^(\S+)\s*([\s\S]*)$/.exec(rest);
  if (!m) throw new InvalidArgumentError('HEALTHCHECK requires an argument');
  const type = m[1]!.toUpperCase();
  const cmd = m[2]!.trim();
  if (type === 'NONE') {
    if (cmd !== '' || Object.keys(hc).length > 0) throw new InvalidArgumentError('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (type !== 'CMD') throw new InvalidArgumentError(`Unknown type "${type}" in HEALTHCHECK (try CMD)`);
  if (cmd === '') throw new InvalidArgumentError('Missing command after HEALTHCHECK CMD');
  const exec = jsonArray(cmd);
  return { Test: exec ? ['CMD', ...exec] : ['CMD-SHELL', cmd], ...hc };
}
