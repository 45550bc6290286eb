import type { ImageInspect } from '../api/image.js';
import type { EngineClient } from './transport.js';

/**
 * Returns low-level information about an image (`GET /images/{name}/json`).
 * @throws {NotFoundError} when no image has that reference or id.
 */
export function imageInspect(client: EngineClient, name: string): Promise<ImageInspect> {
  return client.json<ImageInspect>({ method: 'GET', path: `/images/${encodeImageName(name)}/json` });
}

/** Escapes an image reference for a path, keeping its slashes as the Engine API router expects. */
export function encodeImageName(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}
