import type { ContainerConfig } from '../../api/container.js';
import type { ImageRunConfig } from '../../image/types.js';

/**
 * Fields of a container config that describe one container, not an image: Docker's image
 * inspect leaves them out from API 1.50 on, and a committed image does not carry them.
 */
const CONTAINER_ONLY = ['Hostname', 'Domainname', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'Image', 'NetworkDisabled', 'MacAddress'];

const envKey = (e: string): string => e.split('=', 1)[0]!;
const isEmpty = (v: unknown): boolean => v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' ? Object.keys(v).length === 0 : v === '');

/**
 * Fills a committed image's config from the container's, as Docker's commit merges them: what
 * the user's config (the request body, with --change applied) leaves empty comes from the
 * container; ports, labels and volumes are unions (the user's label wins); env variables the
 * user did not set are appended; Cmd and Entrypoint come from the container only when the user
 * gave no Entrypoint. The result keeps only image fields; a stop signal equal to
 * `defaultStopSignal` (the one create filled in when neither user nor image named one) is dropped.
 */
export function mergeCommitConfig(user: ContainerConfig, container: ContainerConfig, opts: { defaultStopSignal?: string } = {}): ImageRunConfig {
  const out: ContainerConfig = structuredClone(user);
  if (!out.User) out.User = container.User;
  if (isEmpty(out.ExposedPorts)) out.ExposedPorts = container.ExposedPorts;
  else out.ExposedPorts = { ...(container.ExposedPorts ?? {}), ...out.ExposedPorts };
  if (isEmpty(out.Env)) out.Env = container.Env;
  else {
    const keys = new Set(out.Env!.map(envKey));
    out.Env = [...out.Env!, ...(container.Env ?? []).filter((e) => !keys.has(envKey(e)))];
  }
  out.Labels = { ...(container.Labels ?? {}), ...(out.Labels ?? {}) };
  if (isEmpty(out.Entrypoint)) {
    if (isEmpty(out.Cmd)) out.Cmd = container.Cmd;
    if (out.Entrypoint === undefined || out.Entrypoint === null) out.Entrypoint = container.Entrypoint;
  }
  if (out.Healthcheck === undefined && container.Healthcheck !== undefined) out.Healthcheck = container.Healthcheck;
  if (!out.WorkingDir) out.WorkingDir = container.WorkingDir;
  if (isEmpty(out.Volumes)) out.Volumes = isEmpty(container.Volumes) ? null : container.Volumes;
  else out.Volumes = { ...out.Volumes, ...(container.Volumes ?? {}) };
  if (isEmpty(out.ExposedPorts)) delete out.ExposedPorts;
  if (!out.StopSignal) out.StopSignal = container.StopSignal;
  // The engine's own default is not something the user chose: the image does not keep it.
  if (out.StopSignal === opts.defaultStopSignal) delete out.StopSignal;
  for (const k of CONTAINER_ONLY) delete out[k];
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out as ImageRunConfig;
}

/** The history entry's created_by Docker writes for a commit: the container's Cmd, joined. */
export function commitCreatedBy(container: ContainerConfig): string {
  return (container.Cmd ?? []).join(' ');
}
