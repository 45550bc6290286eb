export type { VolumeCreateRequest, VolumeRecord, VolumeService } from './types.js';
export { LocalVolumeService, validateVolumeName } from './local/store.js';
