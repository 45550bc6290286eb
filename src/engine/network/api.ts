import type { Network, NetworkCreateResponse, NetworkPruneResponse } from '../../api/network.js';
import { apiBefore } from '../../api/version.js';
import { ForbiddenError, InvalidArgumentError, NotFoundError, messageOf } from '../../lib/errors/index.js';
import type { NetworkController, NetworkRecord } from '../../network/types.js';
import type { EventSink } from '../events/types.js';
import { toNetwork } from './convert.js';
import { networkListFilter, networkPruneFilter } from './filters.js';
import type { ContainerNetworking } from './types.js';
import { parseEndpointBody, toCreateRequest, toEndpointConfig, validateEndpoint } from './validate.js';

export type { ContainerNetworking } from './types.js';

/** Docker refuses these at the API before touching the container (runconfig's errors). */
const CONNECT_HOST = 'cannot connect container to host network - container must be created in host network mode';
const CONNECT_NONE = 'container cannot be connected to multiple networks with one of the networks in private (none) mode';

function bodyObject(raw: unknown, what: string): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidArgumentError(`invalid JSON: json: cannot unmarshal ${Array.isArray(raw) ? 'array' : typeof raw} into Go value of type ${what}`);
  }
  return raw as Record<string, unknown>;
}

function containerRef(body: Record<string, unknown>, what: string): string {
  const c = body['Container'];
  if (c === undefined || c === null) return '';
  if (typeof c !== 'string') throw new InvalidArgumentError(`invalid JSON: json: cannot unmarshal ${typeof c} into Go struct field ${what}.Container of type string`);
  return c;
}

/**
 * The network side of the Engine API, in wire types, over the network controller (records,
 * kernel state) and the container side (which containers are configured to join what).
 */
export class NetworkApi {
  readonly #controller: NetworkController;
  readonly #containers: ContainerNetworking;
  readonly #events: EventSink;

  constructor(controller: NetworkController, containers: ContainerNetworking, events: EventSink) {
    this.#controller = controller;
    this.#containers = containers;
    this.#events = events;
  }

  /** `GET /networks`; clients older than API 1.28 get each network's Containers too. */
  networkList(opts: { filters: Map<string, string[]>; apiVersion: string }): Network[] {
    const keep = networkListFilter(opts.filters, (rec) => this.#inUse(rec));
    const detailed = apiBefore(opts.apiVersion, '1.28');
    return this.#controller
      .list()
      .filter(keep)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((rec) => toNetwork(rec, detailed ? this.#controller.endpoints(rec.id) : []));
  }

  /** `GET /networks/{id}`: by full id, name or unique id prefix; `scope` must match when given. */
  networkInspect(ref: string, opts: { verbose?: boolean; scope?: string } = {}): Network {
    const rec = this.#controller.get(ref);
    if (opts.scope && opts.scope !== rec.scope) throw new NotFoundError(`network ${ref} not found`);
    return toNetwork(rec, this.#controller.endpoints(rec.id));
  }

  /** `POST /networks/create`: the body is checked here, the rest by the controller. */
  async networkCreate(body: unknown): Promise<NetworkCreateResponse> {
    const req = toCreateRequest(body);
    const { record, warning } = await this.#controller.create(req);
    this.#event(record, 'create');
    return { Id: record.id, Warning: warning };
  }

  /** `DELETE /networks/{id}`. */
  async networkDelete(ref: string): Promise<void> {
    const rec = this.#controller.get(ref);
    if (rec.predefined) throw new ForbiddenError(`${rec.name} is a pre-defined network and cannot be removed`);
    await this.#controller.remove(rec.id);
    this.#event(rec, 'destroy');
  }

  /** `POST /networks/{id}/connect`: a container in any state; running ones are attached live. */
  async networkConnect(ref: string, raw: unknown): Promise<void> {
    const body = bodyObject(raw, 'network.ConnectOptions');
    const container = containerRef(body, 'ConnectOptions');
    const rec = this.#controller.get(ref);
    const endpoint = parseEndpointBody(body['EndpointConfig']);
    // Docker checks the endpoint settings first, then whether the network can be joined at all
    validateEndpoint(rec, endpoint);
    if (rec.driver === 'host') throw new InvalidArgumentError(CONNECT_HOST);
    if (rec.driver === 'null') throw new InvalidArgumentError(CONNECT_NONE);
    const { containerId } = await this.#containers.networkConnect(container, rec, toEndpointConfig(endpoint));
    this.#event(rec, 'connect', { container: containerId });
  }

  /** `POST /networks/{id}/disconnect`. */
  async networkDisconnect(ref: string, raw: unknown): Promise<void> {
    const body = bodyObject(raw, 'network.DisconnectOptions');
    const container = containerRef(body, 'DisconnectOptions');
    const force = body['Force'];
    if (force !== undefined && force !== null && typeof force !== 'boolean') {
      throw new InvalidArgumentError(`invalid JSON: json: cannot unmarshal ${typeof force} into Go struct field DisconnectOptions.Force of type bool`);
    }
    const rec = this.#controller.get(ref);
    const { containerId } = await this.#containers.networkDisconnect(container, rec, force === true);
    this.#event(rec, 'disconnect', { container: containerId });
  }

  /**
   * `POST /networks/prune`: removes user networks that no container is configured to join and
   * none has an endpoint on. A network that fails to go is skipped, as Docker does.
   */
  async networkPrune(filters: Map<string, string[]>, warn: (msg: string) => void = () => {}): Promise<NetworkPruneResponse> {
    const allowed = networkPruneFilter(filters);
    const deleted: string[] = [];
    for (const rec of this.#controller.list()) {
      if (rec.predefined || !allowed(rec) || this.#inUse(rec)) continue;
      try {
        await this.#controller.remove(rec.id);
      } catch (err) {
        warn(`could not remove local network ${rec.name}: ${messageOf(err)}`);
        continue;
      }
      deleted.push(rec.name);
      this.#event(rec, 'destroy');
    }
    this.#events.object('network', 'prune', { ID: '', Attributes: { reclaimed: '0' } });
    return { NetworksDeleted: deleted.length ? deleted : null };
  }

  #inUse(rec: NetworkRecord): boolean {
    return this.#containers.containersUsing(rec.id, rec.name).length > 0 || this.#controller.endpoints(rec.id).length > 0;
  }

  /** Docker's network events: the network's id, its name and driver, and the container for (dis)connects. */
  #event(rec: NetworkRecord, action: string, extra: Record<string, string> = {}): void {
    this.#events.object('network', action, { ID: rec.id, Attributes: { ...extra, name: rec.name, type: rec.driver } });
  }
}
