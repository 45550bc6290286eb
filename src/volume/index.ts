export type { VolumeCreateRequest, VolumeRecord, VolumeService } from './types.js';
export { LocalVolumeService, isPlainLocal, validateVolumeName } from './local/store.js';
export { PluginDrivers, DEFAULT_PLUGIN_DIRS, type VolumePlugin, type VolumePlugins } from './plugin/index.js';
