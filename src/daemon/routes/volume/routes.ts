import type { Router } from '../../server/router.js';
import { boolParam, checkJsonContentType, filtersParam, readJson } from '../../server/context.js';
import { sendEmpty, sendJson } from '../../server/respond.js';
import type { Volume, VolumeListResponse, VolumePruneResponse } from '../../../api/volume.js';

/** What the volume routes need from the engine, in wire types. */
export interface VolumeBackend {
  volumeList(filters: Map<string, string[]>): Promise<VolumeListResponse>;
  volumeInspect(name: string): Promise<Volume>;
  volumeCreate(body: unknown): Promise<Volume>;
  volumeDelete(name: string, force?: boolean): Promise<void>;
  volumePrune(filters: Map<string, string[]>, apiVersion?: string): Promise<VolumePruneResponse>;
}

/** The volume endpoints; PUT /volumes/{name} (cluster volumes) stays unserved. */
export function addVolumeRoutes(r: Router, b: VolumeBackend): void {
  r.add('GET', '/volumes', async (ctx) => {
    sendJson(ctx, 200, await b.volumeList(filtersParam(ctx.query)));
  });
  r.add('POST', '/volumes/create', async (ctx) => {
    checkJsonContentType(ctx);
    sendJson(ctx, 201, await b.volumeCreate(await readJson(ctx)));
  });
  r.add('POST', '/volumes/prune', async (ctx) => {
    sendJson(ctx, 200, await b.volumePrune(filtersParam(ctx.query), ctx.apiVersion));
  });
  r.add('GET', '/volumes/{name}', async (ctx) => {
    sendJson(ctx, 200, await b.volumeInspect(ctx.params.name!));
  });
  r.add('DELETE', '/volumes/{name}', async (ctx) => {
    await b.volumeDelete(ctx.params.name!, boolParam(ctx.query, 'force'));
    sendEmpty(ctx);
  });
}
