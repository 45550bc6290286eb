import { NotFoundError, NotImplementedError } from '../../lib/errors/index.js';
import type { Router } from './router.js';

/**
 * Every endpoint of Engine API v1.50 as [method, path pattern, operation id]. Image and plugin
 * names take the greedy form because they contain "/".
 */
export const ENGINE_ENDPOINTS: ReadonlyArray<readonly [string, string, string]> = [
  ['GET', '/containers/json', 'ContainerList'],
  ['POST', '/containers/create', 'ContainerCreate'],
  ['GET', '/containers/{id}/json', 'ContainerInspect'],
  ['GET', '/containers/{id}/top', 'ContainerTop'],
  ['GET', '/containers/{id}/logs', 'ContainerLogs'],
  ['GET', '/containers/{id}/changes', 'ContainerChanges'],
  ['GET', '/containers/{id}/export', 'ContainerExport'],
  ['GET', '/containers/{id}/stats', 'ContainerStats'],
  ['POST', '/containers/{id}/resize', 'ContainerResize'],
  ['POST', '/containers/{id}/start', 'ContainerStart'],
  ['POST', '/containers/{id}/stop', 'ContainerStop'],
  ['POST', '/containers/{id}/restart', 'ContainerRestart'],
  ['POST', '/containers/{id}/kill', 'ContainerKill'],
  ['POST', '/containers/{id}/update', 'ContainerUpdate'],
  ['POST', '/containers/{id}/rename', 'ContainerRename'],
  ['POST', '/containers/{id}/pause', 'ContainerPause'],
  ['POST', '/containers/{id}/unpause', 'ContainerUnpause'],
  ['POST', '/containers/{id}/attach', 'ContainerAttach'],
  ['GET', '/containers/{id}/attach/ws', 'ContainerAttachWebsocket'],
  ['POST', '/containers/{id}/wait', 'ContainerWait'],
  ['DELETE', '/containers/{id}', 'ContainerDelete'],
  ['HEAD', '/containers/{id}/archive', 'ContainerArchiveInfo'],
  ['GET', '/containers/{id}/archive', 'ContainerArchive'],
  ['PUT', '/containers/{id}/archive', 'PutContainerArchive'],
  ['POST', '/containers/prune', 'ContainerPrune'],
  ['GET', '/images/json', 'ImageList'],
  ['POST', '/build', 'ImageBuild'],
  ['POST', '/build/prune', 'BuildPrune'],
  ['POST', '/images/create', 'ImageCreate'],
  ['GET', '/images/{name*}/json', 'ImageInspect'],
  ['GET', '/images/{name*}/history', 'ImageHistory'],
  ['POST', '/images/{name*}/push', 'ImagePush'],
  ['POST', '/images/{name*}/tag', 'ImageTag'],
  ['DELETE', '/images/{name*}', 'ImageDelete'],
  ['GET', '/images/search', 'ImageSearch'],
  ['POST', '/images/prune', 'ImagePrune'],
  ['POST', '/auth', 'SystemAuth'],
  ['GET', '/info', 'SystemInfo'],
  ['GET', '/version', 'SystemVersion'],
  ['GET', '/_ping', 'SystemPing'],
  ['HEAD', '/_ping', 'SystemPingHead'],
  ['POST', '/commit', 'ImageCommit'],
  ['GET', '/events', 'SystemEvents'],
  ['GET', '/system/df', 'SystemDataUsage'],
  ['GET', '/images/{name*}/get', 'ImageGet'],
  ['GET', '/images/get', 'ImageGetAll'],
  ['POST', '/images/load', 'ImageLoad'],
  ['POST', '/containers/{id}/exec', 'ContainerExec'],
  ['POST', '/exec/{id}/start', 'ExecStart'],
  ['POST', '/exec/{id}/resize', 'ExecResize'],
  ['GET', '/exec/{id}/json', 'ExecInspect'],
  ['GET', '/volumes', 'VolumeList'],
  ['POST', '/volumes/create', 'VolumeCreate'],
  ['GET', '/volumes/{name}', 'VolumeInspect'],
  ['PUT', '/volumes/{name}', 'VolumeUpdate'],
  ['DELETE', '/volumes/{name}', 'VolumeDelete'],
  ['POST', '/volumes/prune', 'VolumePrune'],
  ['GET', '/networks', 'NetworkList'],
  ['GET', '/networks/{id}', 'NetworkInspect'],
  ['DELETE', '/networks/{id}', 'NetworkDelete'],
  ['POST', '/networks/create', 'NetworkCreate'],
  ['POST', '/networks/{id}/connect', 'NetworkConnect'],
  ['POST', '/networks/{id}/disconnect', 'NetworkDisconnect'],
  ['POST', '/networks/prune', 'NetworkPrune'],
  ['GET', '/plugins', 'PluginList'],
  ['GET', '/plugins/privileges', 'GetPluginPrivileges'],
  ['POST', '/plugins/pull', 'PluginPull'],
  ['GET', '/plugins/{name*}/json', 'PluginInspect'],
  ['DELETE', '/plugins/{name*}', 'PluginDelete'],
  ['POST', '/plugins/{name*}/enable', 'PluginEnable'],
  ['POST', '/plugins/{name*}/disable', 'PluginDisable'],
  ['POST', '/plugins/{name*}/upgrade', 'PluginUpgrade'],
  ['POST', '/plugins/create', 'PluginCreate'],
  ['POST', '/plugins/{name*}/push', 'PluginPush'],
  ['POST', '/plugins/{name*}/set', 'PluginSet'],
  ['GET', '/nodes', 'NodeList'],
  ['GET', '/nodes/{id}', 'NodeInspect'],
  ['DELETE', '/nodes/{id}', 'NodeDelete'],
  ['POST', '/nodes/{id}/update', 'NodeUpdate'],
  ['GET', '/swarm', 'SwarmInspect'],
  ['POST', '/swarm/init', 'SwarmInit'],
  ['POST', '/swarm/join', 'SwarmJoin'],
  ['POST', '/swarm/leave', 'SwarmLeave'],
  ['POST', '/swarm/update', 'SwarmUpdate'],
  ['GET', '/swarm/unlockkey', 'SwarmUnlockkey'],
  ['POST', '/swarm/unlock', 'SwarmUnlock'],
  ['GET', '/services', 'ServiceList'],
  ['POST', '/services/create', 'ServiceCreate'],
  ['GET', '/services/{id}', 'ServiceInspect'],
  ['DELETE', '/services/{id}', 'ServiceDelete'],
  ['POST', '/services/{id}/update', 'ServiceUpdate'],
  ['GET', '/services/{id}/logs', 'ServiceLogs'],
  ['GET', '/tasks', 'TaskList'],
  ['GET', '/tasks/{id}', 'TaskInspect'],
  ['GET', '/tasks/{id}/logs', 'TaskLogs'],
  ['GET', '/secrets', 'SecretList'],
  ['POST', '/secrets/create', 'SecretCreate'],
  ['GET', '/secrets/{id}', 'SecretInspect'],
  ['DELETE', '/secrets/{id}', 'SecretDelete'],
  ['POST', '/secrets/{id}/update', 'SecretUpdate'],
  ['GET', '/configs', 'ConfigList'],
  ['POST', '/configs/create', 'ConfigCreate'],
  ['GET', '/configs/{id}', 'ConfigInspect'],
  ['DELETE', '/configs/{id}', 'ConfigDelete'],
  ['POST', '/configs/{id}/update', 'ConfigUpdate'],
  ['GET', '/distribution/{name*}/json', 'DistributionInspect'],
  ['POST', '/session', 'Session'],
];

/**
 * Lookups of one object of a kind berth has none of yet. The docker CLI's `inspect` tries each
 * kind in turn and moves on only on a 404, so these answer as Docker does for a missing object
 * (which is the truth: there is no such network) instead of 501.
 */
const NO_SUCH_OBJECT: Record<string, (p: Record<string, string>) => string> = {
  NetworkInspect: (p) => `network ${p.id} not found`,
  VolumeInspect: (p) => `get ${p.name}: no such volume`,
  PluginInspect: (p) => `plugin "${p.name}" not found`,
  ExecInspect: (p) => `No such exec instance: ${p.id}`,
};

/**
 * Answers 501 for every other Engine API endpoint that no route serves yet, so that a client
 * sees "not implemented" rather than a 404 or a 405 borrowed from a route with a similar path.
 * These are fallbacks: a real route added before or after always wins.
 */
export function addUnservedEndpoints(r: Router): void {
  for (const [method, pattern, operation] of ENGINE_ENDPOINTS) {
    const missing = NO_SUCH_OBJECT[operation];
    r.add(method, pattern, async (ctx) => {
      if (missing) throw new NotFoundError(missing(ctx.params));
      throw new NotImplementedError(`${operation} (${method} ${pattern.replace('*', '')}) is not implemented by berth yet`);
    }, { fallback: true, hijack: true });
  }
}
