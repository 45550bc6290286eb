/**
 * Devices berth makes on the host (bridges, 802.1q sub-interfaces, dummy parents) carry an
 * ifalias naming the network that made them. Only a device with that mark is ever deleted, so a
 * bridge or VLAN interface that existed before — the admin's, Docker's, podman's — is never
 * removed by berth.
 */
export function ownerMark(networkId: string): string {
  return `berth-${networkId.slice(0, 12)}`;
}

/** Whether an alias is any berth network's mark. */
export function isBerthMark(alias: string | undefined): boolean {
  return alias !== undefined && /^berth-[0-9a-f]{12}$/.test(alias);
}

/** A stable, locally administered unicast MAC made from the network id (a bridge keeps it, so ARP caches stay valid). */
export function macFromId(id: string): string {
  const hex = id.replace(/[^0-9a-f]/gi, '').padEnd(10, '0').slice(0, 10);
  return ['02', ...hex.match(/../g)!].join(':').toLowerCase();
}
