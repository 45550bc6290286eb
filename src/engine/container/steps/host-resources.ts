import { InvalidArgumentError, ConflictError, isNotFound } from '../../../lib/errors/index.js';
import { hostDevicesAt } from '../../../sys/devices.js';
import type { DeviceMapping, NamespaceMode } from '../../../runtime/types.js';
import type { ContainerStore } from '../store.js';
import { hasProcess, type ContainerRecord } from '../model.js';
import type { StartStep } from './types.js';

type NsKind = 'ipc' | 'pid' | 'uts' | 'cgroup';

/**
 * Reads what the spec takes from outside the container's own record, at each start: the
 * namespaces it joins (`--ipc`/`--pid container:<id>` need the donor running now, with its pid of
 * now), the host's device nodes (`--device`), and the init binary. Nothing to undo.
 */
export function hostResourcesStep(store: Pick<ContainerStore, 'get'>, opts: { initPath?: string }): StartStep {
  return {
    name: 'host-resources',
    apply(ctx) {
      const hc = ctx.rec.hostConfig;
      ctx.namespaceModes = {
        ipc: namespaceMode(store, 'ipc', hc.IpcMode),
        pid: namespaceMode(store, 'pid', hc.PidMode),
        uts: namespaceMode(store, 'uts', hc.UTSMode),
        cgroup: namespaceMode(store, 'cgroup', hc.CgroupnsMode),
      };
      ctx.devices = devicesOf(hc.Devices);
      if (hc.Init === true) {
        if (!opts.initPath) throw new InvalidArgumentError('--init: no init binary found on the host (install tini or catatonit)');
        ctx.initPath = opts.initPath;
      }
      return Promise.resolve();
    },
    async undo() {},
  };
}

export function namespaceMode(store: Pick<ContainerStore, 'get'>, kind: NsKind, value: unknown): NamespaceMode | undefined {
  if (typeof value !== 'string' || value === '' || value === 'private' || value === 'shareable') return undefined;
  if (value === 'host') return 'host';
  if (value.startsWith('container:')) {
    const ref = value.slice('container:'.length);
    let donor: ContainerRecord;
    try {
      donor = store.get(ref);
    } catch (err) {
      // Docker's 400: a 404 would make the docker CLI pull the image and try again.
      if (isNotFound(err)) throw new InvalidArgumentError(`No such container: ${ref}`, { cause: err });
      throw err;
    }
    return { path: `/proc/${runningPid(donor, kind)}/ns/${kind}` };
  }
  return undefined;
}

/** Docker's wording for a donor that is not running. */
function runningPid(donor: ContainerRecord, kind: NsKind): number {
  if (!hasProcess(donor.state) || donor.state.pid <= 0) {
    const msg = `container ${donor.id} is not running`;
    throw new ConflictError(kind === 'ipc' ? `can't join IPC of container ${donor.id}: ${msg}` : msg);
  }
  return donor.state.pid;
}

interface DeviceRequest { PathOnHost?: string; PathInContainer?: string; CgroupPermissions?: string }

/** `--device host[:container[:perms]]`; a directory brings every device under it. */
export function devicesOf(devices: unknown): DeviceMapping[] {
  const out: DeviceMapping[] = [];
  for (const d of (Array.isArray(devices) ? devices : []) as DeviceRequest[]) {
    const host = d.PathOnHost ?? '';
    const inContainer = d.PathInContainer || host;
    const permissions = d.CgroupPermissions || 'rwm';
    let found;
    try {
      found = hostDevicesAt(host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : String(code ?? err);
      throw new InvalidArgumentError(`error gathering device information while adding custom device "${host}": ${reason}`);
    }
    for (const dev of found) {
      const path = dev.path === host ? inContainer : inContainer + dev.path.slice(host.replace(/\/+$/, '').length);
      out.push({ path, type: dev.type, major: dev.major, minor: dev.minor, fileMode: dev.fileMode, uid: dev.uid, gid: dev.gid, permissions });
    }
  }
  return out;
}
