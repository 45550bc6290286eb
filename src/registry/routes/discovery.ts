/** Listing what the registry holds: the catalog, a repository's tags, a manifest's referrers. */
import { MediaType } from '../../oci/index.js';
import { checkDigest } from '../names.js';
import { page, pageSize } from '../request.js';
import { nextLink, reply, type RouteContext } from './context.js';

export async function catalog(ctx: RouteContext): Promise<void> {
  const q = ctx.url.searchParams;
  const { items, next } = page(await ctx.store.listRepositories(), pageSize(q.get('n')), q.get('last'));
  reply(ctx.res, 200, next ? { Link: nextLink('/v2/_catalog', next) } : {}, { repositories: items });
}

export async function tagsList(ctx: RouteContext): Promise<void> {
  const name = ctx.params.name!;
  const q = ctx.url.searchParams;
  const { items, next } = page(await ctx.store.listTags(name), pageSize(q.get('n')), q.get('last'));
  reply(ctx.res, 200, next ? { Link: nextLink(`/v2/${name}/tags/list`, next) } : {}, { name, tags: items });
}

/** Always an index, never a 404: an empty one for a subject nobody refers to. */
export async function referrers(ctx: RouteContext): Promise<void> {
  const name = ctx.params.name!;
  const subject = checkDigest(ctx.params.digest);
  const artifactType = ctx.url.searchParams.get('artifactType');
  let list = await ctx.store.listReferrers(name, subject);
  const headers: Record<string, string> = { 'Content-Type': MediaType.ociIndex };
  if (artifactType !== null) {
    list = list.filter((d) => d.artifactType === artifactType);
    headers['OCI-Filters-Applied'] = 'artifactType';
  }
  reply(ctx.res, 200, headers, { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: list });
}
