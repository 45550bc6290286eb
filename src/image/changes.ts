import { posix } from 'node:path';
import { InvalidArgumentError } from '../lib/errors/index.js';
import type { ImageRunConfig } from './types.js';
import { parseHealthcheck } from './healthcheck-change.js';

/**
 * Splits a Dockerfile argument into words: whitespace separates, "..." and '...' group, and a
 * backslash escapes the next character (outside single quotes).
 */
export function splitWords(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") { quote = c; inWord = true; continue; }
    if (c === '\\' && i + 1 < s.length) { cur += s[++i]; inWord = true; continue; }
    if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    cur += c;
    inWord = true;
  }
  if (quote) throw new InvalidArgumentError(`unmatched quote in ${JSON.stringify(s)}`);
  if (inWord) words.push(cur);
  return words;
}

/** Exec form ["a","b"] when the argument is a JSON string array, otherwise null. */
function jsonArray(arg: string): string[] | null {
  if (!arg.startsWith('[')) return null;
  try {
    const v: unknown = JSON.parse(arg);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // not JSON: shell form
  }
  return null;
}

function commandOf(arg: string): string[] {
  return jsonArray(arg) ?? ['/bin/sh', '-c', arg];
}

/** KEY=VALUE pairs (ENV/LABEL), or the legacy "KEY VALUE with spaces" form. */
function keyValues(instr: string, arg: string): Array<[string, string]> {
  const words = splitWords(arg);
  if (words.length === 0) throw new InvalidArgumentError(`${instr} requires at least one argument`);
  if (!words[0]!.includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(arg.trim());
    if (!m) throw new InvalidArgumentError(`${instr} names can not be blank`);
    return [[m[1]!, m[2]!]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function exposedPorts(arg: string): string[] {
  const out: string[] = [];
  for (const word of splitWords(arg)) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(word);
    if (!m) throw new InvalidArgumentError(`Invalid containerPort: ${word}`);
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    if (lo < 1 || hi > 65535 || hi < lo) throw new InvalidArgumentError(`invalid port range: ${word}`);
    const proto = (m[3] ?? 'tcp').toLowerCase();
    for (let p = lo; p <= hi; p++) out.push(`${p}/${proto}`);
  }
  return out;
}

const ALLOWED: ReadonlySet<string> = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR', 'STOPSIGNAL', 'HEALTHCHECK']);

/** The instructions Docker's `commit --change` takes (its list has HEALTHCHECK but no STOPSIGNAL). */
export const COMMIT_CHANGE_INSTRUCTIONS: ReadonlySet<string> = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR']);

/**
 * Applies `docker import --change` / `commit --change` instructions to a run config and returns
 * the new config (the input is not modified). Instructions outside `allowed` fail with Docker's
 * message, before any is applied.
 */
export function applyChanges(base: ImageRunConfig, changes: string[], allowed: ReadonlySet<string> = ALLOWED): ImageRunConfig {
  const cfg: ImageRunConfig = structuredClone(base);
  for (const raw of changes) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(line)!;
    const instr = m[1]!.toUpperCase();
    const arg = m[2]!.trim();
    if (!allowed.has(instr)) throw new InvalidArgumentError(`${m[1]} is not a valid change command`);
    switch (instr) {
      case 'CMD':
        cfg.Cmd = commandOf(arg);
        break;
      case 'ENTRYPOINT':
        cfg.Entrypoint = arg === '' ? null : commandOf(arg);
        break;
      case 'ENV': {
        const env = [...(cfg.Env ?? [])];
        for (const [k, v] of keyValues(instr, arg)) {
          const i = env.findIndex((e) => e.split('=', 1)[0] === k);
          if (i >= 0) env[i] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        cfg.Env = env;
        break;
      }
      case 'LABEL': {
        const labels = { ...(cfg.Labels ?? {}) };
        for (const [k, v] of keyValues(instr, arg)) labels[k] = v;
        cfg.Labels = labels;
        break;
      }
      case 'EXPOSE': {
        const ports = { ...(cfg.ExposedPorts ?? {}) };
        for (const p of exposedPorts(arg)) ports[p] = {};
        cfg.ExposedPorts = ports;
        break;
      }
      case 'VOLUME': {
        const vols = { ...(cfg.Volumes ?? {}) };
        for (const v of jsonArray(arg) ?? splitWords(arg)) {
          if (v === '') throw new InvalidArgumentError('VOLUME specified can not be an empty string');
          vols[v] = {};
        }
        cfg.Volumes = vols;
        break;
      }
      case 'USER':
        cfg.User = arg;
        break;
      case 'WORKDIR':
        // A relative WORKDIR continues from the previous one, as in a Dockerfile.
        cfg.WorkingDir = posix.resolve(cfg.WorkingDir || '/', arg);
        break;
      case 'STOPSIGNAL':
        cfg.StopSignal = arg;
        break;
      case 'HEALTHCHECK':
        cfg.Healthcheck = parseHealthcheck(arg, jsonArray);
        break;
      case 'ONBUILD':
        cfg.OnBuild = [...(cfg.OnBuild ?? []), arg];
        break;
    }
  }
  return cfg;
}
