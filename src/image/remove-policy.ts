import { ConflictError } from '../lib/errors/index.js';
import { familiarDigested, familiarTagged, parseReference, shortId } from '../oci/index.js';

/** What `rmi` knows when it decides. */
export interface RemovalFacts {
  /** The reference as the user gave it. */
  ref: string;
  /** The image it resolved to. */
  id: string;
  /** Every tag and digest reference of the image ("name:tag", "name@sha256:…"). */
  refs: string[];
  /** Containers using the image, and the running ones among them. */
  users: string[];
  running: string[];
  force: boolean;
}

/** What `rmi` will do: drop these references, then maybe delete the image. */
export interface RemovalPlan {
  untag: string[];
  deleteImage: boolean;
}

const repositoryOf = (ref: string): string => (ref.includes('@') ? ref.slice(0, ref.indexOf('@')) : ref.replace(/:[^:/]*$/, ''));

/**
 * Docker's rmi rules, as a pure decision (daemon/images/image_delete.go): a name untags, and the
 * image goes with its last name unless a container needs it; an id removes every name when they
 * are all in one repository (or with force). Running containers block deletion even when forced.
 * Unlike docker, nothing is untagged when the call then fails with a conflict.
 */
export function planImageRemoval(f: RemovalFacts): RemovalPlan {
  const byId = f.id.startsWith(f.ref) || f.id.startsWith(`sha256:${f.ref}`);
  const img = shortId(f.id);
  if (!byId) {
    const p = parseReference(f.ref);
    const name = p.digest !== undefined ? familiarDigested({ ...p, digest: p.digest }) : familiarTagged(p);
    // Untagging the last name of an image in use would leave a container on a dangling image.
    if (f.users.length > 0 && !f.force && f.refs.length <= 1) {
      throw new ConflictError(`conflict: unable to remove repository reference "${f.ref}" (must force) - container ${shortId(f.users[0]!)} is using its referenced image ${img}`);
    }
    const untag = [name];
    let remaining = f.refs.filter((r) => r !== name);
    // Docker's rule: once a repository's last tag goes, its digest references (from pull or
    // push) go too, so `rmi repo:tag` of a pulled image deletes it.
    if (p.digest === undefined) {
      const repo = repositoryOf(name);
      const isDigestRef = (r: string): boolean => r.includes('@');
      if (!remaining.some((r) => !isDigestRef(r) && repositoryOf(r) === repo)) {
        const digests = remaining.filter((r) => isDigestRef(r) && repositoryOf(r) === repo);
        untag.push(...digests);
        remaining = remaining.filter((r) => !digests.includes(r));
      }
    }
    return { untag, deleteImage: remaining.length === 0 && f.running.length === 0 && (f.users.length === 0 || f.force) };
  }
  if (f.running.length > 0) {
    throw new ConflictError(`conflict: unable to delete ${img} (cannot be forced) - image is being used by running container ${shortId(f.running[0]!)}`);
  }
  if (!f.force && new Set(f.refs.map(repositoryOf)).size > 1) {
    throw new ConflictError(`conflict: unable to delete ${img} (must be forced) - image is referenced in multiple repositories`);
  }
  if (!f.force && f.users.length > 0) {
    throw new ConflictError(`conflict: unable to delete ${img} (must be forced) - image is being used by stopped container ${shortId(f.users[0]!)}`);
  }
  return { untag: [...f.refs], deleteImage: true };
}
