import { NotFoundError, UnavailableError } from '../../../lib/errors/index.js';
import type { Router } from '../../server/router.js';
import { sendJson } from '../../server/respond.js';

// Docker's own words (moby daemon/cluster/errors.go): SDKs and scripts match them.
/** What a Docker engine outside a swarm answers to `swarm leave`. */
export const NOT_PART_OF_A_SWARM = 'This node is not part of a swarm';
/** What it answers to every cluster read or change (inspect, nodes, services, tasks, secrets, configs). */
export const NOT_A_SWARM_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

const CLUSTER_PATHS: ReadonlyArray<readonly [string, string]> = [
  ['GET', '/swarm'], ['POST', '/swarm/update'], ['GET', '/swarm/unlockkey'], ['POST', '/swarm/unlock'],
  ['GET', '/nodes'], ['GET', '/nodes/{id}'], ['DELETE', '/nodes/{id}'], ['POST', '/nodes/{id}/update'],
  ['GET', '/services'], ['POST', '/services/create'], ['GET', '/services/{id}'], ['DELETE', '/services/{id}'],
  ['POST', '/services/{id}/update'], ['GET', '/services/{id}/logs'],
  ['GET', '/tasks'], ['GET', '/tasks/{id}'], ['GET', '/tasks/{id}/logs'],
  ['GET', '/secrets'], ['POST', '/secrets/create'], ['GET', '/secrets/{id}'], ['DELETE', '/secrets/{id}'], ['POST', '/secrets/{id}/update'],
  ['GET', '/configs'], ['POST', '/configs/create'], ['GET', '/configs/{id}'], ['DELETE', '/configs/{id}'], ['POST', '/configs/{id}/update'],
];

/** Plugin operations on one named plugin: berth has none installed, so each is Docker's "not found". */
const PLUGIN_LOOKUPS: ReadonlyArray<readonly [string, string]> = [
  ['GET', '/plugins/{name*}/json'], ['DELETE', '/plugins/{name*}'], ['POST', '/plugins/{name*}/enable'],
  ['POST', '/plugins/{name*}/disable'], ['POST', '/plugins/{name*}/upgrade'], ['POST', '/plugins/{name*}/push'], ['POST', '/plugins/{name*}/set'],
];

/**
 * The swarm and plugin endpoints, answered as a Docker engine that is in no swarm and has no
 * plugins answers them (503 and an empty list), until cluster mode and plugins exist. SDK
 * teardown paths call `swarm leave` and `plugins list` and expect exactly these.
 */
export function addSwarmAndPluginRoutes(r: Router): void {
  r.add('POST', '/swarm/leave', async () => {
    throw new UnavailableError(NOT_PART_OF_A_SWARM);
  });
  for (const op of ['init', 'join']) {
    r.add('POST', `/swarm/${op}`, async () => {
      throw new UnavailableError(`cannot ${op} a swarm: berth has no swarm mode yet (its cluster mode is planned); ${NOT_PART_OF_A_SWARM}`);
    });
  }
  for (const [method, path] of CLUSTER_PATHS) {
    r.add(method, path, async () => {
      throw new UnavailableError(NOT_A_SWARM_MANAGER);
    });
  }
  r.add('GET', '/plugins', async (ctx) => sendJson(ctx, 200, []));
  for (const [method, path] of PLUGIN_LOOKUPS) {
    r.add(method, path, async (ctx) => {
      throw new NotFoundError(`plugin "${ctx.params.name}" not found`);
    });
  }
}
