import type { ImageSummary } from '../../api/image.js';
import { shortId } from './text.js';
import { goTimeString } from './timestamp.js';
import { humanSize, since } from './units.js';

/** The fields `docker images --format` may name, with docker's column headers. */
export const IMAGE_HEADERS: Record<string, string> = {
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT', Size: 'SIZE', Containers: 'CONTAINERS', SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE', VirtualSize: 'VIRTUAL SIZE',
};

/** The default `images` table. */
export const IMAGES_DEFAULT_FORMAT = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';

/** One `images` row as templates see it. */
export interface ImageRow {
  ID: string;
  Repository: string;
  Tag: string;
  Digest: string;
  CreatedSince: string;
  CreatedAt: string;
  Size: string;
  Containers: string;
  SharedSize: string;
  UniqueSize: string;
  VirtualSize: string;
}

/** Splits `repo:tag` at the last colon that is not part of a registry port. */
function splitTag(ref: string): [string, string] {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, '<none>'];
}

/**
 * The rows docker prints for one image: one per tag; for an untagged image one per digest,
 * or a single `<none>` row.
 */
export function imageRows(img: ImageSummary, opts: { noTrunc: boolean; now?: number }): ImageRow[] {
  const base = {
    ID: opts.noTrunc ? img.Id : shortId(img.Id),
    CreatedSince: since(img.Created, opts.now),
    CreatedAt: goTimeString(img.Created),
    Size: humanSize(img.Size),
    Containers: img.Containers < 0 ? 'N/A' : String(img.Containers),
    SharedSize: img.SharedSize < 0 ? 'N/A' : humanSize(img.SharedSize),
    UniqueSize: img.SharedSize < 0 ? 'N/A' : humanSize(img.Size - img.SharedSize),
    // docker prints this one with go-units' default four significant digits
    VirtualSize: humanSize(img.VirtualSize ?? img.Size, 4),
  };
  const digests = (img.RepoDigests ?? []).filter((d) => !d.startsWith('<none>'));
  const digestFor = (repo: string): string => {
    const d = digests.find((x) => x.slice(0, x.indexOf('@')) === repo);
    return d ? d.slice(d.indexOf('@') + 1) : '<none>';
  };
  const tags = (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  if (tags.length) {
    return tags.map((t) => {
      const [repo, tag] = splitTag(t);
      return sortedKeys({ ...base, Repository: repo, Tag: tag, Digest: digestFor(repo) });
    });
  }
  if (digests.length) {
    return digests.map((d) => sortedKeys({ ...base, Repository: d.slice(0, d.indexOf('@')), Tag: '<none>', Digest: d.slice(d.indexOf('@') + 1) }));
  }
  return [sortedKeys({ ...base, Repository: '<none>', Tag: '<none>', Digest: '<none>' })];
}

/** The same row with its keys in sorted order, so `{{json .}}` matches docker's output. */
function sortedKeys(row: ImageRow): ImageRow {
  return Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as unknown as ImageRow;
}
