/** Where a daemon listens: a unix socket path or a TCP host and port. */
export type Endpoint =
  | { kind: 'unix'; socketPath: string; url: string }
  | { kind: 'tcp'; host: string; port: number; url: string };

/** The socket berth's daemon listens on when nothing else is configured. */
export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';

/**
 * Picks the daemon address the way the docker CLI does, with BERTH_HOST ahead of DOCKER_HOST:
 * the -H flag, then BERTH_HOST, then DOCKER_HOST, then the default socket.
 */
export function resolveHost(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env['BERTH_HOST'] || env['DOCKER_HOST'] || DEFAULT_HOST;
}

/**
 * Parses `unix:///path`, `tcp://host:port`, `http://host:port` or a bare `/path`.
 * @throws {Error} on a scheme berth cannot dial (ssh://, npipe://).
 */
export function parseEndpoint(host: string): Endpoint {
  if (host.startsWith('/')) return { kind: 'unix', socketPath: host, url: `unix://${host}` };
  const m = /^([a-z]+):\/\/(.*)$/.exec(host);
  if (!m) throw new Error(`unable to parse docker host \`${host}\``);
  const [, scheme, rest] = m as unknown as [string, string, string];
  if (scheme === 'unix') {
    if (!rest) throw new Error(`unable to parse docker host \`${host}\``);
    return { kind: 'unix', socketPath: rest, url: host };
  }
  if (scheme === 'tcp' || scheme === 'http') {
    const hostPort = rest.replace(/\/.*$/, '');
    const idx = hostPort.lastIndexOf(':');
    const name = idx >= 0 ? hostPort.slice(0, idx) : hostPort;
    const port = idx >= 0 ? Number(hostPort.slice(idx + 1)) : 2375;
    if (!Number.isInteger(port) || port <= 0) throw new Error(`invalid port in docker host \`${host}\``);
    return { kind: 'tcp', host: name.replace(/^\[|\]$/g, '') || 'localhost', port, url: `tcp://${hostPort}` };
  }
  throw new Error(`unsupported docker host scheme \`${scheme}\` in \`${host}\``);
}
