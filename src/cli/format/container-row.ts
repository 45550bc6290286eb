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
 * Ports as docker's `DisplayablePorts` prints them: sorted by private port, address, public port
 * and type; exposed-only ports and ports published on the same number collapsed into ranges per
 * type and address (`80-81/tcp`, `0.0.0.0:80-81->80-81/tcp`, and for IPv6 docker's `:::80->80/tcp`),
 * then every other mapping on its own (`0.0.0.0:8080->80/tcp, [::]:8080->80/tcp`).
 */
export function formatPorts(ports: Port[]): string {
  const sorted = [...ports].sort((a, b) => (a.PrivatePort - b.PrivatePort)
    || ((a.IP ?? '') < (b.IP ?? '') ? -1 : (a.IP ?? '') > (b.IP ?? '') ? 1 : 0)
    || ((a.PublicPort ?? 0) - (b.PublicPort ?? 0))
    || (a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0));
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const mappings: string[] = [];
  const form = (key: string, g: { first: number; last: number }): string => {
    const slash = key.lastIndexOf('/');
    const ip = slash < 0 ? '' : key.slice(0, slash);
    const type = slash < 0 ? key : key.slice(slash + 1);
    let range = g.first === g.last ? `${g.first}` : `${g.first}-${g.last}`;
    if (ip) range = `${ip}:${range}->${range}`;
    return `${range}/${type}`;
  };
  for (const p of sorted) {
    let key = p.Type;
    if (p.IP) {
      if (p.PublicPort !== p.PrivatePort) {
        const host = p.IP.includes(':') ? `[${p.IP}]` : p.IP;
        mappings.push(`${host}:${p.PublicPort ?? 0}->${p.PrivatePort}/${p.Type}`);
        continue;
      }
      key = `${p.IP}/${p.Type}`;
    }
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { first: p.PrivatePort, last: p.PrivatePort });
    } else if (p.PrivatePort === g.last + 1) {
      g.last = p.PrivatePort;
    } else {
      result.push(form(key, g));
      // The new run keeps the key's first place in the list, as in docker.
      groups.set(key, { first: p.PrivatePort, last: p.PrivatePort });
    }
  }
  for (const [key, g] of groups) result.push(form(key, g));
  return [...result, ...mappings].join(', ');
}
