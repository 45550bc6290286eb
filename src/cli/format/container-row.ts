import type { ContainerSummary, Port } from '../../api/container.js';
import { ellipsis, goQuote, shortId } from './text.js';
import { goTimeString } from './timestamp.js';
import { humanSize, since } from './units.js';

/** The fields `docker ps --format` may name, with docker's column headers. */
export const CONTAINER_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
  Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS',
  Mounts: 'MOUNTS', Networks: 'NETWORKS', LocalVolumes: 'LOCAL VOLUMES', Platform: 'PLATFORM',
};

/** The default `ps` table, and with `-s` the size column added. */
export const PS_DEFAULT_FORMAT = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

/** One `ps` row as templates see it: every field a string, `Label` a method. */
export interface ContainerRow {
  ID: string;
  Image: string;
  Command: string;
  CreatedAt: string;
  RunningFor: string;
  Ports: string;
  State: string;
  Status: string;
  Size: string;
  Names: string;
  Labels: string;
  Mounts: string;
  Networks: string;
  LocalVolumes: string;
  Label(name: string): string;
}

/** Builds the template view of a container, truncating ids and commands unless `noTrunc`. */
export function containerRow(c: ContainerSummary, opts: { noTrunc: boolean; now?: number }): ContainerRow {
  const trunc = !opts.noTrunc;
  const labels = c.Labels ?? {};
  let image = c.Image || '<no image>';
  if (trunc && /^(sha256:)?[0-9a-f]{64}$/.test(image)) image = shortId(image);
  const row: ContainerRow = {
    ID: trunc ? shortId(c.Id) : c.Id,
    Image: image,
    Command: goQuote(trunc ? ellipsis(c.Command ?? '', 20) : c.Command ?? ''),
    CreatedAt: goTimeString(c.Created),
    RunningFor: since(c.Created, opts.now),
    Ports: formatPorts(c.Ports ?? []),
    State: c.State,
    Status: c.Status,
    Size: formatSize(c),
    Names: formatNames(c.Names ?? [], trunc),
    Labels: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','),
    Mounts: (c.Mounts ?? []).map((m) => {
      const name = m.Name || m.Source || '';
      return trunc ? ellipsis(name, 15) : name;
    }).join(','),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Label: (name: string) => labels[name] ?? '',
  };
  Object.defineProperty(row, 'Label', { enumerable: false });
  // `{{json .}}` prints docker's sorted-key object, without the Label method
  Object.defineProperty(row, 'toJSON', { enumerable: false, value: () => containerRowJSON(row) });
  return row;
}

/** `{{json .}}` of a ps row: docker marshals every field as a string, keys sorted. */
export function containerRowJSON(row: ContainerRow): Record<string, string | null> {
  // docker's ContainerContext also has Platform, null unless the daemon reports one
  const fields: Record<string, string | null> = { ...(row as unknown as Record<string, string>), Platform: null };
  const out: Record<string, string | null> = {};
  for (const key of Object.keys(fields).sort()) out[key] = fields[key]!;
  return out;
}

function formatSize(c: ContainerSummary): string {
  if (c.SizeRw === undefined && c.SizeRootFs === undefined) return '0B';
  const rw = humanSize(c.SizeRw ?? 0);
  return c.SizeRootFs ? `${rw} (virtual ${humanSize(c.SizeRootFs)})` : rw;
}

/** Names without the leading slash; links (`/a/b`) only when not truncating, as docker shows them. */
export function formatNames(names: string[], trunc: boolean): string {
  const stripped = names.map((n) => n.replace(/^\//, ''));
  return (trunc ? stripped.filter((n) => !n.includes('/')) : stripped).join(',');
}

/**
 * Ports as docker's `DisplayablePorts` prints them: `0.0.0.0:8080->80/tcp`, exposed-only ports
 * as `80/tcp`, consecutive ports collapsed into ranges, sorted.
 */
export function formatPorts(ports: Port[]): string {
  const groups = new Map<string, { pub: number; priv: number; type: string; ip: string }[]>();
  const sorted = [...ports].sort((a, b) => (a.PrivatePort - b.PrivatePort) || ((a.PublicPort ?? 0) - (b.PublicPort ?? 0)));
  for (const p of sorted) {
    const ip = p.IP ? (p.IP.includes(':') ? `[${p.IP}]:` : `${p.IP}:`) : '';
    const key = `${ip}/${p.Type}/${p.PublicPort ? 'pub' : 'priv'}`;
    const list = groups.get(key) ?? [];
    list.push({ pub: p.PublicPort ?? 0, priv: p.PrivatePort, type: p.Type, ip });
    groups.set(key, list);
  }
  const out: string[] = [];
  for (const list of groups.values()) {
    let k = 0;
    while (k < list.length) {
      let end = k;
      while (end + 1 < list.length && list[end + 1]!.priv === list[end]!.priv + 1
        && (list[k]!.pub === 0 ? list[end + 1]!.pub === 0 : list[end + 1]!.pub === list[end]!.pub + 1)) end++;
      const a = list[k]!;
      const b = list[end]!;
      const priv = a.priv === b.priv ? `${a.priv}` : `${a.priv}-${b.priv}`;
      if (a.pub) {
        const pub = a.pub === b.pub ? `${a.pub}` : `${a.pub}-${b.pub}`;
        out.push(`${a.ip}${pub}->${priv}/${a.type}`);
      } else {
        out.push(`${priv}/${a.type}`);
      }
      k = end + 1;
    }
  }
  return out.join(', ');
}
