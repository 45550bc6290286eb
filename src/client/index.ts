/**
 * berth's Engine API client: one function per operation, named after the Engine API
 * operation ids. The CLI imports single files instead of this index to keep cold start small.
 */
export { EngineClient, API_VERSION, readBody, jsonLines, type Query, type RequestOptions } from './transport.js';
export { parseEndpoint, resolveHost, DEFAULT_HOST, type Endpoint } from './endpoint.js';
export { kindOfStatus, errorOfResponse } from './errors.js';
export { hijack, type HijackedConnection } from './hijack.js';
export * from './container-create.js';
export * from './container-start.js';
export * from './container-attach.js';
export * from './container-wait.js';
export * from './container-list.js';
export * from './container-inspect.js';
export * from './container-logs.js';
export * from './container-stop.js';
export * from './container-kill.js';
export * from './container-restart.js';
export * from './container-delete.js';
export * from './container-rename.js';
export * from './container-pause.js';
export * from './container-unpause.js';
export * from './container-top.js';
export * from './container-changes.js';
export * from './container-export.js';
export * from './container-resize.js';
export * from './container-prune.js';
export * from './image-list.js';
export * from './image-inspect.js';
export * from './image-history.js';
export * from './image-tag.js';
export * from './image-delete.js';
export * from './image-prune.js';
export * from './image-create.js';
export * from './system-ping.js';
export * from './system-version.js';
export * from './system-info.js';
export * from './container-exec.js';
export * from './exec-start.js';
export * from './exec-inspect.js';
export * from './exec-resize.js';
export * from './image-load.js';
export * from './image-get.js';
export * from './container-stats.js';
export * from './container-update.js';
export * from './image-commit.js';
