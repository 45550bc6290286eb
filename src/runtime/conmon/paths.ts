import path from 'node:path';
import { InvalidArgumentError } from '../../lib/errors/index.js';

/**
 * Where the conmon driver keeps its state under the exec root (a tmpfs such as /run/berth in
 * production, since runtime state does not survive a reboot either):
 *
 * ```
 * <execRoot>/runtimes/<name>/   --root of each OCI runtime (runc/crun state dirs)
 * <execRoot>/exits/<id>         exit code written by conmon when the container exits
 * <execRoot>/s/<socketKey>      conmon's symlink to the bundle; attach socket at s/<key>/attach.
 *                               The key is the id's first 24 hex digits and the folder one letter,
 *                               because a unix socket path must stay under 108 bytes.
 * <execRoot>/bundles/<id>       our symlink to the bundle dir, so any method can find it by id
 * <execRoot>/probe/             throwaway bundles of the runtime probe
 * <execRoot>/execs/<random>/     an exec's process.json, pid file and runtime log, while it runs
 * ```
 *
 * The bundle dir (chosen by the engine, outliving berthd) holds config.json, `runtime` (the name of
 * the runtime that runs it), conmon's `pid`, `conmon.pid`, `attach`, `ctl` and `winsz`.
 */
export class RuntimePaths {
  constructor(readonly execRoot: string) {}

  runtimeRoot(runtime: string): string { return path.join(this.execRoot, 'runtimes', runtime); }
  get exitDir(): string { return path.join(this.execRoot, 'exits'); }
  exitFile(id: string): string { return path.join(this.exitDir, checkId(id)); }
  get socketDir(): string { return path.join(this.execRoot, 's'); }
  socketLink(id: string): string { return path.join(this.socketDir, socketKey(id)); }
  attachSocket(id: string): string { return path.join(this.socketLink(id), 'attach'); }
  get bundleLinkDir(): string { return path.join(this.execRoot, 'bundles'); }
  bundleLink(id: string): string { return path.join(this.bundleLinkDir, checkId(id)); }
  get probeDir(): string { return path.join(this.execRoot, 'probe'); }
  /** One folder per running exec: its process.json, pid file and the runtime's log. */
  get execDir(): string { return path.join(this.execRoot, 'execs'); }
}

/** Files conmon and berth keep in a bundle directory. */
export const BundleFiles = {
  config: 'config.json',
  runtimeName: 'runtime',
  containerPid: 'pid',
  conmonPid: 'conmon.pid',
  ctl: 'ctl',
  winsz: 'winsz',
  oom: 'oom',
} as const;

/** conmon's `-u`: names the attach socket's folder; unique enough at 96 bits, and short. */
export function socketKey(id: string): string {
  return checkId(id).slice(0, 24);
}

const ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/** Container ids become path components and runtime arguments: accept only a strict pattern. */
export function checkId(id: string): string {
  if (!ID_PATTERN.test(id)) throw new InvalidArgumentError(`invalid container id: ${JSON.stringify(id)}`);
  return id;
}
