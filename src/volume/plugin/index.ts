export { callPlugin, parsePluginAddress, formatPluginAddress, PLUGIN_MEDIA_TYPE, type PluginAddress } from './client.js';
export { findPlugin, validatePluginName, DEFAULT_PLUGIN_DIRS } from './discovery.js';
export { PluginDrivers, PluginVolumeDriver, type VolumePlugin, type VolumePlugins, type PluginVolumeInfo } from './driver.js';
