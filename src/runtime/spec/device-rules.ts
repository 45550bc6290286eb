import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { OciDeviceCgroup } from './types.js';

/**
 * Parses a `--device-cgroup-rule` value such as "c 1:3 rwm", "b 8:* r" or "a *:* rwm" into an
 * allow rule.
 */
export function parseDeviceCgroupRule(rule: string): OciDeviceCgroup {
  const m = /^([acb]) (\*|[0-9]+):(\*|[0-9]+) ([rwm]{1,3})$/.exec(rule.trim());
  if (!m) throw new InvalidArgumentError(`invalid device cgroup rule format: '${rule}'`);
  const out: OciDeviceCgroup = { allow: true, type: m[1] as 'a' | 'c' | 'b', access: m[4]! };
  if (m[2] !== '*') out.major = Number(m[2]);
  if (m[3] !== '*') out.minor = Number(m[3]);
  return out;
}
