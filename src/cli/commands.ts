import type { CommandLoader } from './command.js';

/*
 * The command table. Every entry is a dynamic import so `berth ps` loads the ps module and
 * its few client files, nothing else. Top-level names are docker's aliases of the grouped forms.
 */
const run: CommandLoader = () => import('./commands/container/run.js').then((m) => m.command);
const create: CommandLoader = () => import('./commands/container/create.js').then((m) => m.command);
const start: CommandLoader = () => import('./commands/container/start.js').then((m) => m.command);
const stop: CommandLoader = () => import('./commands/container/stop.js').then((m) => m.command);
const kill: CommandLoader = () => import('./commands/container/kill.js').then((m) => m.command);
const restart: CommandLoader = () => import('./commands/container/restart.js').then((m) => m.command);
const rm: CommandLoader = () => import('./commands/container/rm.js').then((m) => m.command);
const ps: CommandLoader = () => import('./commands/container/ps.js').then((m) => m.command);
const logs: CommandLoader = () => import('./commands/container/logs.js').then((m) => m.command);
const wait: CommandLoader = () => import('./commands/container/wait.js').then((m) => m.command);
const attach: CommandLoader = () => import('./commands/container/attach.js').then((m) => m.command);
const rename: CommandLoader = () => import('./commands/container/rename.js').then((m) => m.command);
const pause: CommandLoader = () => import('./commands/container/pause.js').then((m) => m.command);
const unpause: CommandLoader = () => import('./commands/container/unpause.js').then((m) => m.command);
const top: CommandLoader = () => import('./commands/container/top.js').then((m) => m.command);
const cp: CommandLoader = () => import('./commands/container/cp.js').then((m) => m.command);
const port: CommandLoader = () => import('./commands/container/port.js').then((m) => m.command);
const stats: CommandLoader = () => import('./commands/container/stats.js').then((m) => m.command);
const update: CommandLoader = () => import('./commands/container/update.js').then((m) => m.command);
const exec: CommandLoader = () => import('./commands/container/exec.js').then((m) => m.command);
const containerInspect: CommandLoader = () => import('./commands/container/inspect.js').then((m) => m.command);
const containerPrune: CommandLoader = () => import('./commands/container/prune.js').then((m) => m.command);
const inspect: CommandLoader = () => import('./commands/system/inspect.js').then((m) => m.command);
const images: CommandLoader = () => import('./commands/image/ls.js').then((m) => m.command);
const imageInspect: CommandLoader = () => import('./commands/image/inspect.js').then((m) => m.command);
const history: CommandLoader = () => import('./commands/image/history.js').then((m) => m.command);
const tag: CommandLoader = () => import('./commands/image/tag.js').then((m) => m.command);
const rmi: CommandLoader = () => import('./commands/image/rm.js').then((m) => m.command);
const imageImport: CommandLoader = () => import('./commands/image/import.js').then((m) => m.command);
const build: CommandLoader = () => import('./commands/image/build.js').then((m) => m.command);
const load: CommandLoader = () => import('./commands/image/load.js').then((m) => m.command);
const save: CommandLoader = () => import('./commands/image/save.js').then((m) => m.command);
const imagePrune: CommandLoader = () => import('./commands/image/prune.js').then((m) => m.command);
const pull: CommandLoader = () => import('./commands/image/pull.js').then((m) => m.command);
const push: CommandLoader = () => import('./commands/image/push.js').then((m) => m.command);
const search: CommandLoader = () => import('./commands/image/search.js').then((m) => m.command);
const login: CommandLoader = () => import('./commands/system/login.js').then((m) => m.command);
const logout: CommandLoader = () => import('./commands/system/logout.js').then((m) => m.command);
const version: CommandLoader = () => import('./commands/system/version.js').then((m) => m.command);
const info: CommandLoader = () => import('./commands/system/info.js').then((m) => m.command);
const diff: CommandLoader = () => import('./commands/container/diff.js').then((m) => m.command);
const containerExport: CommandLoader = () => import('./commands/container/export.js').then((m) => m.command);
const commit: CommandLoader = () => import('./commands/container/commit.js').then((m) => m.command);
const systemPrune: CommandLoader = () => import('./commands/system/prune.js').then((m) => m.command);
const systemDf: CommandLoader = () => import('./commands/system/df.js').then((m) => m.command);
const events: CommandLoader = () => import('./commands/system/events.js').then((m) => m.command);
const networkCreate: CommandLoader = () => import('./commands/network/create.js').then((m) => m.command);
const networkLs: CommandLoader = () => import('./commands/network/ls.js').then((m) => m.command);
const networkInspect: CommandLoader = () => import('./commands/network/inspect.js').then((m) => m.command);
const networkRm: CommandLoader = () => import('./commands/network/rm.js').then((m) => m.command);
const networkPrune: CommandLoader = () => import('./commands/network/prune.js').then((m) => m.command);
const networkConnect: CommandLoader = () => import('./commands/network/connect.js').then((m) => m.command);
const networkDisconnect: CommandLoader = () => import('./commands/network/disconnect.js').then((m) => m.command);
const volumeCreate: CommandLoader = () => import('./commands/volume/create.js').then((m) => m.command);
const volumeLs: CommandLoader = () => import('./commands/volume/ls.js').then((m) => m.command);
const volumeInspect: CommandLoader = () => import('./commands/volume/inspect.js').then((m) => m.command);
const volumeRm: CommandLoader = () => import('./commands/volume/rm.js').then((m) => m.command);
const volumePrune: CommandLoader = () => import('./commands/volume/prune.js').then((m) => m.command);

/** Command name (with its group, as typed) → loader. */
export const COMMANDS: Readonly<Record<string, CommandLoader>> = {
  run, exec, create, start, stop, kill, restart, rm, ps, logs, wait, attach, rename, pause, unpause, top, port,
  inspect, images, history, tag, rmi, import: imageImport, load, save, version, info,
  pull, push, search, login, logout, 'image pull': pull, 'image push': push, build, 'image build': build,
  'container run': run, 'container exec': exec, 'container create': create, 'container start': start, 'container stop': stop,
  'container kill': kill, 'container restart': restart, 'container rm': rm, 'container remove': rm,
  'container ls': ps, 'container ps': ps, 'container list': ps, 'container logs': logs,
  'container wait': wait, 'container attach': attach, 'container rename': rename,
  'container pause': pause, 'container unpause': unpause, 'container top': top, 'container port': port,
  'container inspect': containerInspect, 'container prune': containerPrune,
  cp, 'container cp': cp,
  'image ls': images, 'image list': images, 'image inspect': imageInspect, 'image history': history,
  'image tag': tag, 'image rm': rmi, 'image remove': rmi, 'image import': imageImport, 'image load': load, 'image save': save, 'image prune': imagePrune,
  'system info': info, 'system prune': systemPrune,
  events, 'system events': events, 'system df': systemDf,
  stats, update, 'container stats': stats, 'container update': update,
  diff, export: containerExport, commit, 'container diff': diff, 'container export': containerExport, 'container commit': commit,
  'network create': networkCreate, 'network ls': networkLs, 'network list': networkLs, 'network inspect': networkInspect,
  'network rm': networkRm, 'network remove': networkRm, 'network prune': networkPrune,
  'network connect': networkConnect, 'network disconnect': networkDisconnect,
  'volume create': volumeCreate, 'volume ls': volumeLs, 'volume list': volumeLs, 'volume inspect': volumeInspect,
  'volume rm': volumeRm, 'volume remove': volumeRm, 'volume prune': volumePrune,
};

/** Management commands that take a subcommand. */
export const GROUPS: Readonly<Record<string, string>> = {
  container: 'Manage containers',
  image: 'Manage images',
  network: 'Manage networks',
  system: 'Manage Docker',
  volume: 'Manage volumes',
};

/** One-line descriptions for the top-level help. */
export const COMMON_COMMANDS: ReadonlyArray<[string, string]> = [
  ['run', 'Create and run a new container from an image'],
  ['exec', 'Execute a command in a running container'],
  ['ps', 'List containers'],
  ['images', 'List images'],
  ['import', 'Import the contents from a tarball to create a filesystem image'],
  ['info', 'Display system-wide information'],
  ['version', 'Show the berth version information'],
];
