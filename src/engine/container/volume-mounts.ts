import { InvalidArgumentError, isNotFound, messageOf } from '../../lib/errors/index.js';
import type { CleanupStack } from '../../lib/sync/cleanup-stack.js';
import type { VolumeService } from '../../volume/types.js';
import type { MountPoint } from './mounts.js';

/** The label Docker puts on a volume made for one container. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/**
 * The image's VOLUMEs that no -v, --mount or --tmpfs already covers, as anonymous volume mounts
 * (Docker shows them with Mode "" and RW true). They come from `driver` (--volume-driver) when given.
 */
export function imageVolumeMounts(volumes: Record<string, unknown> | null | undefined, mounts: MountPoint[], driver = ''): MountPoint[] {
  const taken = new Set(mounts.map((m) => clean(m.destination)));
  const out: MountPoint[] = [];
  for (const path of Object.keys(volumes ?? {})) {
    if (!path.startsWith('/') || taken.has(clean(path))) continue;
    taken.add(clean(path));
    out.push({ type: 'volume', name: '', source: '', destination: path, readOnly: false, mode: '', propagation: '', driver, anonymous: true, origin: 'mounts' });
  }
  return out;
}

function clean(p: string): string {
  return p.replace(/\/+$/, '') || '/';
}

/**
 * Creates (or finds) each volume mount's volume and takes the container's ref on it, filling in
 * name and source; the undo stack releases the refs and removes the anonymous volumes made here.
 * @throws InvalidArgumentError when there are volume mounts and no volume service, or a volume
 *   plugin is not found.
 */
export async function acquireVolumes(volumes: VolumeService | undefined, containerId: string, mounts: MountPoint[], undo: CleanupStack): Promise<void> {
  for (const m of mounts) {
    if (m.type !== 'volume') continue;
    if (!volumes) throw new InvalidArgumentError(`invalid volume specification: '${m.name ? `${m.name}:` : ''}${m.destination}': named volumes are not supported yet`);
    const anonymous = !m.name;
    const labels = { ...(m.volumeLabels ?? {}), ...(anonymous ? { [ANONYMOUS_LABEL]: '' } : {}) };
    const vol = await volumes.create({ name: m.name ?? '', driver: m.driver ?? '', labels, options: m.volumeOptions ?? {}, ...(anonymous ? { anonymous: true } : {}) }).catch((err: unknown) => {
      // The volume API answers a missing plugin with Docker's 404; at container create Docker's 404
      // makes the docker CLI think the *image* is missing and try to pull it, hiding the real
      // error. A 400 with the same words is printed as it is.
      if (isNotFound(err)) throw new InvalidArgumentError(messageOf(err), { cause: err });
      throw err;
    });
    if (anonymous) undo.push(() => volumes.remove(vol.name, true));
    volumes.addRef(vol.name, containerId);
    undo.push(() => volumes.releaseRef(vol.name, containerId));
    m.name = vol.name;
    m.source = vol.mountpoint;
    m.driver = vol.driver;
    m.anonymous = vol.anonymous;
    delete m.volumeLabels;
    delete m.volumeOptions;
  }
}

/**
 * At container removal: every volume's ref is released; with `rm -v` (and for `run --rm`) the
 * anonymous ones go too. A volume another container still uses stays (Docker's rule).
 */
export async function releaseVolumes(volumes: VolumeService | undefined, containerId: string, mounts: MountPoint[], removeAnonymous: boolean, log: (msg: string) => void): Promise<void> {
  if (!volumes) return;
  for (const m of mounts) {
    if (m.type !== 'volume' || !m.name) continue;
    try {
      volumes.releaseRef(m.name, containerId);
      if (removeAnonymous && m.anonymous && volumes.refs(m.name).length === 0) await volumes.remove(m.name);
    } catch (err) {
      log(`releasing volume ${m.name} of ${containerId}: ${messageOf(err)}`);
    }
  }
}

/** Every (volume, container) use recorded on the given containers, for the volume service at daemon start. */
export function volumeRefsOf(recs: Iterable<{ id: string; mounts: MountPoint[] }>): Array<{ name: string; containerId: string }> {
  const out: Array<{ name: string; containerId: string }> = [];
  for (const rec of recs) for (const m of rec.mounts) if (m.type === 'volume' && m.name) out.push({ name: m.name, containerId: rec.id });
  return out;
}

/**
 * `--volumes-from ref[:ro|rw]`: the donor's volumes and binds at the same destinations (tmpfs
 * mounts are its own). `ro` makes them read-only; `rw` (the default) keeps each one's own mode
 * (a read-only mount stays so). Copies never copy up again. A destination the container mounts
 * itself (-v, --mount) wins; the first donor naming a destination wins among donors.
 * @throws NotFoundError for a donor that does not exist.
 */
export function volumesFromMounts(entries: string[], getContainer: (ref: string) => { mounts: MountPoint[] }, own: MountPoint[]): MountPoint[] {
  const taken = new Set(own.map((m) => clean(m.destination)));
  const out: MountPoint[] = [];
  for (const entry of entries) {
    const [ref = '', mode = 'rw', ...rest] = entry.split(':');
    if (rest.length > 0 || ref === '') throw new InvalidArgumentError(`invalid volumes-from specification: '${entry}'`);
    if (mode !== 'ro' && mode !== 'rw') throw new InvalidArgumentError(`invalid mode: ${mode}`);
    for (const m of getContainer(ref).mounts) {
      if (m.type === 'tmpfs' || taken.has(clean(m.destination))) continue;
      taken.add(clean(m.destination));
      out.push({ ...m, readOnly: m.readOnly || mode === 'ro', mode: '', noCopy: true });
    }
  }
  return out;
}
