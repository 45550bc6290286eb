import { InvalidArgumentError } from '../lib/errors/index.js';
import type { ImageRunConfig } from '../image/types.js';
import { goQuote, goQuoteList } from './history.js';

/** The PATH a stage gets when its base image sets none (Docker's default for Linux). */
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The shell of shell-form commands: the stage's SHELL, or Docker's default. */
export function shellOf(config: ImageRunConfig): string[] {
  const s = config.Shell;
  return Array.isArray(s) && s.length > 0 ? (s as string[]) : ['/bin/sh', '-c'];
}

/** A deep copy of a run config, so a step changes only its own. */
export function cloneConfig(config: ImageRunConfig | undefined): ImageRunConfig {
  return config ? (JSON.parse(JSON.stringify(config)) as ImageRunConfig) : {};
}

/** Sets `key` in an env list, replacing an earlier value in place as Docker does. */
export function setEnv(env: string[], key: string, value: string): string[] {
  const out = [...env];
  const i = out.findIndex((e) => e === key || e.startsWith(`${key}=`));
  if (i >= 0) out[i] = `${key}=${value}`;
  else out.push(`${key}=${value}`);
  return out;
}

/** Keys set in an env list. */
export function envKeys(env: string[] | undefined): Set<string> {
  return new Set((env ?? []).map((e) => e.split('=', 1)[0]!));
}

/** A variable's value in an env list. */
export function envValue(env: string[] | undefined, key: string): string | undefined {
  const hit = (env ?? []).find((e) => e.startsWith(`${key}=`));
  return hit === undefined ? undefined : hit.slice(key.length + 1);
}

/**
 * `EXPOSE` words as the config's keys: "80" is "80/tcp", a range is every port in it.
 * @throws {InvalidArgumentError} for a malformed port or protocol
 */
export function exposedPorts(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(w.trim());
    if (!m) throw new InvalidArgumentError(`Invalid containerPort: ${w}`);
    const start = Number(m[1]);
    const end = m[2] !== undefined ? Number(m[2]) : start;
    if (start < 1 || end > 65535 || end < start) throw new InvalidArgumentError(`Invalid containerPort: ${w}`);
    if (end - start > 65535) throw new InvalidArgumentError(`Invalid containerPort: ${w}`);
    const proto = (m[3] ?? 'tcp').toLowerCase();
    for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  }
  return out;
}

/** Go's `time.Duration` text for whole nanoseconds ("30s", "1m30s", "500ms", "0s"). */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1e6 && ns % 1e3 === 0) return `${ns / 1e3}µs`;
  if (ns < 1e9) return ns % 1e6 === 0 ? `${ns / 1e6}ms` : `${ns}ns`;
  let s = ns / 1e9;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const sec = Number.isInteger(s) ? String(s) : String(Number(s.toFixed(9)));
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}

/** The image config's Healthcheck, and the history text Docker derives from it (Go's `%q` of the struct). */
export function healthcheckConfig(hc: { test: string[]; interval?: number; timeout?: number; startPeriod?: number; startInterval?: number; retries?: number }): { config: Record<string, unknown>; comment: string } {
  const config: Record<string, unknown> = { Test: hc.test };
  if (hc.interval) config.Interval = hc.interval;
  if (hc.timeout) config.Timeout = hc.timeout;
  if (hc.startPeriod) config.StartPeriod = hc.startPeriod;
  if (hc.startInterval) config.StartInterval = hc.startInterval;
  if (hc.retries) config.Retries = hc.retries;
  const retries = hc.retries ?? 0;
  const retriesText = retries >= 0x20 && retries < 0x7f ? `'${String.fromCharCode(retries)}'` : `'\\x${retries.toString(16).padStart(2, '0')}'`;
  const durations = [hc.interval, hc.timeout, hc.startPeriod, hc.startInterval].map((d) => goQuote(goDuration(d ?? 0))).join(' ');
  return { config, comment: `HEALTHCHECK &{${goQuoteList(hc.test)} ${durations} ${retriesText}}` };
}

/** A `--chmod` value: octal digits only, as the classic builder takes them. */
export function parseChmod(value: string): number {
  if (!/^[0-7]{3,4}$/.test(value)) throw new InvalidArgumentError(`invalid chmod parameter: ${value}`);
  return parseInt(value, 8);
}

/**
 * A `--chown=user[:group]` against the image's /etc/passwd and /etc/group, as the classic
 * builder reads it: names are looked up, numbers taken as they are, and without a group the
 * user's word is used for the group too.
 */
export function resolveChown(spec: string, passwd: string | undefined, group: string | undefined): { uid: number; gid: number } {
  const [user = '', grp] = spec.split(':');
  const groupWord = grp === undefined || grp === '' ? user : grp;
  const numeric = (s: string): boolean => /^\d+$/.test(s);
  const find = (text: string | undefined, name: string): string[] | undefined => (text ?? '').split('\n').map((l) => l.split(':')).find((f) => f[0] === name);
  // The uid is resolved first, so a missing user is the error when both are missing.
  const idOf = (word: string, table: string | undefined, id: 'uid' | 'gid'): number => {
    if (numeric(word)) return Number(word);
    const entry = find(table, word);
    const what = id === 'uid' ? 'user' : 'group';
    if (!entry) throw new InvalidArgumentError(`unable to convert uid/gid chown string to host mapping: can't find ${id} for ${what} ${word}: no such ${what}: ${word}`);
    return Number(entry[2]);
  };
  const uid = idOf(user, passwd, 'uid');
  const gid = idOf(groupWord, group, 'gid');
  return { uid, gid };
}
