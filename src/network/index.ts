/** Networking: sandboxes (namespaces and their facts) for the start path. */
export type * from './types.js';
export { LoopbackSandboxProvider } from './loopback.js';
