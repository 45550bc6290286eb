import { existsSync, writeFileSync } from 'node:fs';
import { containerCreate } from '../../../client/container-create.js';
import { imageCreateFromImage } from '../../../client/image-create.js';
import { isNotFound } from '../../../lib/errors/index.js';
import type { CliContext } from '../../context.js';
import { normalizeReference, type CreatePlan } from './create-options.js';

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
  const ref = fullyQualified(normalizeReference(image));
  const at = ref.lastIndexOf(':');
  const fromImage = ref.includes('@') ? ref : ref.slice(0, at);
  const tag = ref.includes('@') ? undefined : ref.slice(at + 1);
  for await (const msg of imageCreateFromImage(ctx.client(), { fromImage, tag, platform })) {
    if (quiet || !msg.status || msg.progress) continue;
    ctx.err(`${msg.id ? `${msg.id}: ` : ''}${msg.status}\n`);
  }
}

/** `busybox:latest` → `docker.io/library/busybox:latest`: the docker CLI pulls by the full name. */
function fullyQualified(ref: string): string {
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) return ref;
  return slash < 0 ? `docker.io/library/${ref}` : `docker.io/${ref}`;
}
