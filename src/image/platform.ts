import { arch } from 'node:os';
import { InvalidArgumentError } from '../lib/errors/index.js';

/** The OCI/Go name of this host's CPU architecture. */
export function hostArchitecture(): string {
  const a = arch();
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

/** Parses "os[/arch[/variant]]"; only linux images exist here. Defaults to the host. */
export function parsePlatform(platform: string | undefined): { os: string; architecture: string; variant?: string } {
  if (!platform) return { os: 'linux', architecture: hostArchitecture() };
  const [os, architecture, variant] = platform.toLowerCase().split('/');
  if (os !== 'linux') throw new InvalidArgumentError(`invalid platform: ${platform}: only linux images are supported`);
  return { os, architecture: architecture || hostArchitecture(), ...(variant ? { variant } : {}) };
}
