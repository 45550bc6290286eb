import type { ContainerConfig, HealthConfig } from '../../../api/container.js';

/** Docker's defaults for what a health check leaves at 0. */
export const HEALTH_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  startPeriodMs: 0,
  startIntervalMs: 5_000,
  retries: 3,
} as const;

/** How many probe results `State.Health.Log` keeps, and how much output each keeps (bytes). */
export const HEALTH_LOG_ENTRIES = 5;
export const HEALTH_OUTPUT_BYTES = 4096;

const DURATIONS = ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const;

/**
 * The health check a container runs: the request's, with what it leaves empty taken from the
 * image's, as Docker merges them (an empty Test or a zero field inherits). `["NONE"]` is kept as
 * it is, so inspect shows that the check was turned off. Zero fields are left out, as Docker's
 * `omitempty` does.
 */
export function mergeHealthcheck(user: HealthConfig | null | undefined, image: HealthConfig | null | undefined): HealthConfig | undefined {
  if (!user && !image) return undefined;
  if (!user || !image) return compact((user ?? image)!);
  const merged: HealthConfig = { ...user };
  if (!user.Test?.length) merged.Test = image.Test;
  for (const k of DURATIONS) if (!user[k]) merged[k] = image[k];
  if (!user.Retries) merged.Retries = image.Retries;
  return compact(merged);
}

function compact(hc: HealthConfig): HealthConfig {
  const out: HealthConfig = {};
  if (hc.Test?.length) out.Test = [...hc.Test];
  for (const k of DURATIONS) if (hc[k]) out[k] = hc[k];
  if (hc.Retries) out.Retries = hc.Retries;
  return out;
}

/** A health check as the monitor runs it: times in milliseconds, defaults applied. */
export interface ProbeSettings {
  /** What the probe execs; undefined for a test type Docker does not know (no probe ever runs). */
  argv?: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

const ms = (ns: number | undefined, fallback: number): number => (ns && ns > 0 ? ns / 1e6 : fallback);

/**
 * The probe of a container's config, or undefined when it has no health check (none, an empty
 * Test, or `NONE`). `CMD-SHELL` runs through the container's `Shell`, by default `/bin/sh -c`.
 */
export function probeSettings(config: ContainerConfig): ProbeSettings | undefined {
  const hc = config.Healthcheck;
  const test = hc?.Test ?? [];
  if (!hc || test.length === 0 || test[0] === 'NONE') return undefined;
  const shell = config.Shell?.length ? config.Shell : ['/bin/sh', '-c'];
  const argv = test[0] === 'CMD' ? test.slice(1) : test[0] === 'CMD-SHELL' ? [...shell, ...test.slice(1)] : undefined;
  return {
    ...(argv ? { argv } : {}),
    intervalMs: ms(hc.Interval, HEALTH_DEFAULTS.intervalMs),
    timeoutMs: ms(hc.Timeout, HEALTH_DEFAULTS.timeoutMs),
    startPeriodMs: ms(hc.StartPeriod, HEALTH_DEFAULTS.startPeriodMs),
    startIntervalMs: ms(hc.StartInterval, HEALTH_DEFAULTS.startIntervalMs),
    retries: hc.Retries && hc.Retries > 0 ? hc.Retries : HEALTH_DEFAULTS.retries,
  };
}

/** A probe's output as Docker keeps it: the first 4096 bytes, and "..." when there was more. */
export function cutProbeOutput(output: string): string {
  const bytes = Buffer.from(output, 'utf8');
  if (bytes.length <= HEALTH_OUTPUT_BYTES) return output;
  return `${bytes.subarray(0, HEALTH_OUTPUT_BYTES).toString('utf8')}...`;
}
