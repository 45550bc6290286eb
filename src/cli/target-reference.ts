import { InvalidArgumentError } from '../lib/errors/index.js';
import { parseNamedReference } from '../oci/reference.js';

/**
 * The optional `REPOSITORY[:TAG]` of commands that make an image (commit, import), split as the
 * API wants it. A digest is refused here, before the daemon is contacted, as docker does.
 */
export function targetReference(reference: string | undefined): { repo?: string; tag?: string } {
  if (!reference) return {};
  const r = parseNamedReference(reference);
  if (r.digest) throw new InvalidArgumentError('refusing to create a tag with a digest reference');
  return { repo: r.familiarName, tag: r.tag };
}
