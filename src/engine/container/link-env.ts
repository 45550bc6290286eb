import type { ContainerRecord } from './model.js';
import { parsePortKey } from './ports.js';

/**
 * The environment a legacy link (`--link name:alias` on the default bridge) gives the container,
 * as Docker sets it: <ALIAS>_NAME, <ALIAS>_PORT (the lowest exposed port), one group of
 * <ALIAS>_PORT_<port>_<PROTO>{,_ADDR,_PORT,_PROTO} per exposed port, and the target's own
 * variables as <ALIAS>_ENV_<name> (less HOME and PATH).
 */
export function linkEnv(parentName: string, alias: string, child: Pick<ContainerRecord, 'config' | 'networkSandbox'>): string[] {
  const ip = child.networkSandbox?.endpoints?.['bridge']?.ipv4 ?? '';
  const prefix = alias.toUpperCase().replace(/-/g, '_');
  const ports = Object.keys(child.config.ExposedPorts ?? {}).flatMap((k) => {
    try {
      return [parsePortKey(k)];
    } catch {
      return [];
    }
  }).sort((a, b) => (a.port - b.port) || a.proto.localeCompare(b.proto));
  const env: string[] = [];
  const first = ports[0];
  if (first) env.push(`${prefix}_PORT=${first.proto}://${ip}:${first.port}`);
  for (const p of ports) {
    const key = `${prefix}_PORT_${p.port}_${p.proto.toUpperCase()}`;
    env.push(`${key}=${p.proto}://${ip}:${p.port}`, `${key}_ADDR=${ip}`, `${key}_PORT=${p.port}`, `${key}_PROTO=${p.proto}`);
  }
  env.push(`${prefix}_NAME=/${parentName}/${alias}`);
  for (const e of child.config.Env ?? []) {
    const eq = e.indexOf('=');
    if (eq <= 0) continue;
    const name = e.slice(0, eq);
    if (name === 'HOME' || name === 'PATH') continue;
    env.push(`${prefix}_ENV_${name}=${e.slice(eq + 1)}`);
  }
  return env;
}
