import type { NetworkSandbox, SandboxProvider, SandboxRequest } from './types.js';

/**
 * Sandboxes with no connectivity beyond loopback: `host` shares the host's namespace, every
 * other mode gets a fresh namespace that the runtime creates with its loopback up. Nothing to
 * keep or remove, so tearing down is free.
 */
export class LoopbackSandboxProvider implements SandboxProvider {
  async setUp(req: SandboxRequest): Promise<NetworkSandbox> {
    if (req.networkMode === 'host') return { mode: 'host', addresses: [] };
    return { mode: req.networkMode === 'none' ? 'none' : 'private', addresses: [] };
  }

  async tearDown(): Promise<void> {}
}
