import { existsSync, writeFileSync } from 'node:fs';
import { containerCreate } from '../../../client/container-create.js';
import { imageCreateFromImage } from '../../../client/image-create.js';
import { isNotFound } from '../../../lib/errors/index.js';
import type { CliContext } from '../../context.js';
import { normalizeReference, type CreatePlan } from './create-options.js';
import { canonicalName, parseReference, withDefaultTag } from '../../../oci/reference.js';

/**
 * Creates the container, pulling its image first when the daemon does not have it, as
 * `docker create`/`docker run` do (docker/cli container/create.go). Prints the daemon's warnings.
 * @returns the new container's id
 */
export async function createContainer(ctx: CliContext, plan: CreatePlan, pull: string, quiet: boolean, cidfile?: string): Promise<string> {
  const image = plan.config.Image ?? '';
  if (cidfile && existsSync(cidfile)) {
    throw new Error(`container ID file found, make sure the other container isn't running or delete ${cidfile}`);
  }
  const attempt = async (): Promise<string> => {
    const res = await containerCreate(ctx.client(), { name: plan.name, platform: plan.platform, config: plan.config });
    for (const w of res.Warnings ?? []) ctx.err(`WARNING: ${w}\n`);
    if (cidfile) writeFileSync(cidfile, res.Id);
    return res.Id;
  };
  if (pull === 'always') await pullImage(ctx, image, plan.platform, quiet);
  try {
    return await attempt();
  } catch (err) {
    if (!isNotFound(err) || pull === 'never' || pull === 'always') throw err;
    ctx.err(`Unable to find image '${normalizeReference(image)}' locally\n`);
    await pullImage(ctx, image, plan.platform, quiet);
    return attempt();
  }
}

async function pullImage(ctx: CliContext, image: string, platform: string | undefined, quiet: boolean): Promise<void> {
  // The docker CLI pulls by the full name: busybox → docker.io/library/busybox, tag latest.
  const r = withDefaultTag(parseReference(image));
  const fromImage = r.digest ? `${canonicalName(r)}@${r.digest}` : canonicalName(r);
  const tag = r.digest ? undefined : r.tag;
  for await (const msg of imageCreateFromImage(ctx.client(), { fromImage, tag, platform })) {
    if (quiet || !msg.status || msg.progress) continue;
    ctx.err(`${msg.id ? `${msg.id}: ` : ''}${msg.status}\n`);
  }
}

