/** The registry client: pull, push and login against OCI/Docker registries. */
import { parseNamedReference } from '../../oci/index.js';
import { checkInsecureRegistries } from './endpoint.js';
import type { RegistryCredentials } from './credentials.js';
import { login, type LoginResult } from './login.js';
import { preparePull, type PreparedPull } from './pull.js';
import { preparePush, type PreparedPush } from './push.js';
import { SharedDownloads } from './shared-downloads.js';
import type { DistributionStore } from './store.js';

export { decodeRegistryAuth, credentialsFromAuthConfig, type RegistryCredentials } from './credentials.js';
export { checkInsecureRegistries } from './endpoint.js';
export type { JsonMessage, ProgressSink } from './progress.js';
export { errorMessage } from './progress.js';
export type { PreparedPull, PullResult } from './pull.js';
export type { PreparedPush, PushedTag } from './push.js';
export type { LoginResult } from './login.js';
export type { DistributionStore } from './store.js';

export interface RegistryServiceOptions {
  store: DistributionStore;
  /** --insecure-registry: hosts (host[:port]) or CIDRs spoken to in plain HTTP. */
  insecureRegistries?: string[];
}

/** Pull, push and login for the daemon; one per daemon, shared by every request. */
export class RegistryService {
  readonly #store: DistributionStore;
  readonly #insecure: string[];
  readonly #downloads = new SharedDownloads();

  constructor(opts: RegistryServiceOptions) {
    this.#store = opts.store;
    this.#insecure = [...(opts.insecureRegistries ?? [])];
    checkInsecureRegistries(this.#insecure);
  }

  /** Resolves `reference` at its registry; the returned pull reports progress while it runs. */
  preparePull(reference: string, opts: { platform?: string; credentials?: RegistryCredentials; signal?: AbortSignal } = {}): Promise<PreparedPull> {
    return preparePull({ store: this.#store, insecureRegistries: this.#insecure, downloads: this.#downloads }, { ref: parseNamedReference(reference), ...opts });
  }

  /** `name` is the repository; `tag` the one to push (every local tag when absent). */
  preparePush(name: string, opts: { tag?: string; credentials?: RegistryCredentials; signal?: AbortSignal } = {}): PreparedPush {
    return preparePush({ store: this.#store, insecureRegistries: this.#insecure }, { ref: parseNamedReference(name), ...opts });
  }

  login(creds: RegistryCredentials, signal?: AbortSignal): Promise<LoginResult> {
    return login(creds, this.#insecure, signal);
  }
}
