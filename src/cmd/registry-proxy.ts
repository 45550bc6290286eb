/**
 * The flags of `berth registry serve` that make it a pull-through cache, and the store they
 * build. Kept apart from registry.ts so the serve command only gains one line per concern.
 */
import { parseGoDuration } from '../lib/time/timestamp.js';
import { ProxyStore } from '../registry/proxy/proxy-store.js';
import { UpstreamRegistry } from '../registry/proxy/upstream.js';
import type { FsRegistryStore } from '../registry/storage/fs-store.js';

export const PROXY_FLAGS = {
  'proxy-remote-url': { type: 'string' },
  'proxy-username': { type: 'string' },
  'proxy-password': { type: 'string' },
  'proxy-tag-ttl': { type: 'string', default: '30s' },
} as const;

export interface ProxyFlagValues {
  'proxy-remote-url'?: string;
  'proxy-username'?: string;
  'proxy-password'?: string;
  'proxy-tag-ttl'?: string;
}

/** The pull-through store over `cache` when --proxy-remote-url is given, else undefined. */
export function proxyStore(cache: FsRegistryStore, v: ProxyFlagValues): ProxyStore | undefined {
  const url = v['proxy-remote-url'];
  if (url === undefined) {
    if (v['proxy-username'] !== undefined || v['proxy-password'] !== undefined) throw new Error('--proxy-username and --proxy-password need --proxy-remote-url');
    return undefined;
  }
  if ((v['proxy-username'] === undefined) !== (v['proxy-password'] === undefined)) throw new Error('--proxy-username and --proxy-password go together');
  const ttlNs = parseGoDuration(v['proxy-tag-ttl'] ?? '30s');
  if (ttlNs === undefined || ttlNs < 0) throw new Error(`invalid --proxy-tag-ttl ${JSON.stringify(v['proxy-tag-ttl'])}: want a duration such as 30s`);
  const upstream = new UpstreamRegistry({
    url,
    ...(v['proxy-username'] !== undefined ? { username: v['proxy-username'], password: v['proxy-password'] ?? '' } : {}),
  });
  return new ProxyStore(cache, upstream, { tagTtlMs: ttlNs / 1e6 });
}
