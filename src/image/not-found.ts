import { NotFoundError } from '../lib/errors/index.js';
import { familiarDigested, familiarTagged, isDigest, parseReference } from '../oci/index.js';

/**
 * Docker's not-found error for images: names are shown with their tag made explicit
 * ("No such image: x:latest", as dockerd words it), bare 64-hex ids as "sha256:<hex>".
 */
export function imageNotFound(ref: string): NotFoundError {
  let shown = ref;
  if (/^[a-f0-9]{64}$/.test(ref)) shown = `sha256:${ref}`;
  else if (!isDigest(ref)) {
    try {
      const p = parseReference(ref);
      shown = p.digest !== undefined ? familiarDigested({ ...p, digest: p.digest }) : familiarTagged(p);
    } catch {
      // keep the reference as given
    }
  }
  return new NotFoundError(`No such image: ${shown}`);
}
