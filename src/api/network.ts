/**
 * Engine API v1.50 network wire types, with Docker's exact JSON field names.
 */

/** Answer of `POST /networks/prune`. */
export interface NetworkPruneResponse {
  NetworksDeleted: string[] | null;
}
