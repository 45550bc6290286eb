import type { SandboxProvider } from '../../../network/index.js';
import { writeEtcFiles } from '../etc-files.js';
import type { StartStep } from './types.js';

/**
 * Sets up the container's network sandbox and writes its /etc/hostname, /etc/hosts and
 * /etc/resolv.conf from the sandbox's facts, at every start (addresses may change between runs).
 */
export function networkStep(sandboxes: SandboxProvider): StartStep {
  return {
    name: 'network',
    async apply(ctx) {
      const { rec } = ctx;
      const sandbox = await sandboxes.setUp({
        id: rec.id, name: rec.name, hostname: rec.config.Hostname!, networkMode: rec.hostConfig.NetworkMode as string, endpoints: {}, ports: [],
      });
      ctx.network = { mode: sandbox.mode, netnsPath: sandbox.netnsPath };
      await writeEtcFiles(
        { hostname: rec.hostnamePath, hosts: rec.hostsPath, resolvConf: rec.resolvConfPath },
        { hostname: rec.config.Hostname!, domainname: rec.config.Domainname, sandbox },
      );
    },
    undo: (rec) => sandboxes.tearDown(rec.id),
  };
}
