/** The registry client: pull, push and login against OCI/Docker registries. */
import { parseNamedReference } from '../../oci/index.js';
import { checkInsecureRegistries, normalizeMirror } from './endpoint.js';
import { withMirrors } from './mirrors.js';
import type { RegistryCredentials } from './credentials.js';
import { login, type LoginResult } from './login.js';
import { listTags, preparePull, type PreparedPull, type PullResult } from './pull.js';
import { statusMessage } from './progress.js';
import { NotFoundError } from '../../lib/errors/index.js';
import { preparePush, type PreparedPush } from './push.js';
import { SharedDownloads } from './shared-downloads.js';
import { BlobSources } from './blob-sources.js';
import { DEFAULT_SEARCH_LIMIT, searchFilter, searchRegistry, type ImageSearchResult } from './search.js';
import type { DistributionStore } from './store.js';

export { decodeRegistryAuth, credentialsFromAuthConfig, type RegistryCredentials } from './credentials.js';
export { checkInsecureRegistries, normalizeMirror } from './endpoint.js';
export type { JsonMessage } from './progress.js';
import type { ProgressSink } from './progress.js';
export type { ProgressSink };
export { errorMessage } from './progress.js';
export type { PreparedPull, PullResult } from './pull.js';
export type { PreparedPush, PushedTag } from './push.js';
export type { LoginResult } from './login.js';
export type { ImageSearchResult } from './search.js';
export type { DistributionStore } from './store.js';

export interface RegistryServiceOptions {
  store: DistributionStore;
  /** --insecure-registry: hosts (host[:port]) or CIDRs spoken to in plain HTTP. */
  insecureRegistries?: string[];
  /** --registry-mirror: URLs tried in order before Docker Hub for pulls of docker.io images. */
  registryMirrors?: string[];
  /** The file recording which repositories hold which blobs (for cross-repository mounts); in memory when absent. */
  blobSourcesFile?: string;
}

/** Pull, push and login for the daemon; one per daemon, shared by every request. */
export class RegistryService {
  readonly #store: DistributionStore;
  readonly #insecure: string[];
  readonly #mirrors: string[];
  readonly #downloads = new SharedDownloads();
  readonly #sources: BlobSources;

  constructor(opts: RegistryServiceOptions) {
    this.#store = opts.store;
    this.#insecure = [...(opts.insecureRegistries ?? [])];
    checkInsecureRegistries(this.#insecure);
    this.#mirrors = (opts.registryMirrors ?? []).map(normalizeMirror);
    this.#sources = new BlobSources(opts.blobSourcesFile ? { file: opts.blobSourcesFile } : {});
  }

  /** Resolves `reference` at its registry; the returned pull reports progress while it runs. */
  preparePull(reference: string, opts: { platform?: string; credentials?: RegistryCredentials; signal?: AbortSignal } = {}): Promise<PreparedPull> {
    const ref = parseNamedReference(reference);
    const ctx = { store: this.#store, insecureRegistries: this.#insecure, downloads: this.#downloads, sources: this.#sources };
    return withMirrors(ref.domain, this.#mirrors, (endpoint) => preparePull(ctx, { ref, ...opts, ...(endpoint ? { endpoint } : {}) }), opts.signal);
  }

  /**
   * Every tag of a repository (`pull --all-tags`): each tag is pulled in turn with its own
   * messages, and one Status line for the repository ends the stream, as Docker does.
   */
  async preparePullAllTags(name: string, opts: { platform?: string; credentials?: RegistryCredentials; signal?: AbortSignal } = {}): Promise<{ run: (progress: ProgressSink) => Promise<PullResult[]> }> {
    const ref = parseNamedReference(name);
    const ctx = { store: this.#store, insecureRegistries: this.#insecure, downloads: this.#downloads, sources: this.#sources };
    // The tags and every pull come from the first endpoint that lists them.
    const { tags, endpoint } = await withMirrors(ref.domain, this.#mirrors, async (e) => ({ tags: await listTags(ctx, { ref, ...opts, ...(e ? { endpoint: e } : {}) }), endpoint: e }), opts.signal);
    if (tags.length === 0) throw new NotFoundError(`repository ${ref.familiarName} not found: no tags`);
    return {
      run: async (progress) => {
        const results: PullResult[] = [];
        let changed = false;
        for (const tag of tags) {
          const pull = await preparePull(ctx, { ref: { ...ref, tag }, ...opts, ...(endpoint ? { endpoint } : {}) });
          results.push(await pull.run((m) => {
            if (m.status?.startsWith('Status: ')) changed ||= m.status.startsWith('Status: Downloaded');
            else progress(m);
          }));
        }
        progress(statusMessage(changed ? `Status: Downloaded newer image for ${ref.familiarName}` : `Status: Image is up to date for ${ref.familiarName}`));
        return results;
      },
    };
  }

  /** `name` is the repository; `tag` the one to push (every local tag when absent). */
  preparePush(name: string, opts: { tag?: string; credentials?: RegistryCredentials; signal?: AbortSignal } = {}): PreparedPush {
    return preparePush({ store: this.#store, insecureRegistries: this.#insecure, sources: this.#sources }, { ref: parseNamedReference(name), ...opts });
  }

  /** `GET /images/search`: the registry named in the term (Docker Hub by default), filtered here. */
  async search(term: string, opts: { limit?: number; filters?: Map<string, string[]>; credentials?: RegistryCredentials; signal?: AbortSignal } = {}): Promise<ImageSearchResult[]> {
    const keep = searchFilter(opts.filters ?? new Map());
    const found = await searchRegistry({
      term, limit: opts.limit ?? DEFAULT_SEARCH_LIMIT, insecureRegistries: this.#insecure,
      ...(opts.credentials ? { credentials: opts.credentials } : {}), ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return found.filter(keep);
  }

  login(creds: RegistryCredentials, signal?: AbortSignal): Promise<LoginResult> {
    return login(creds, this.#insecure, signal);
  }
}
