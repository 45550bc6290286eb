/** Where a daemon listens: a unix socket path or a TCP host and port. */
export type Endpoint =
  | { kind: 'unix'; socketPath: string; url: string }
  | { kind: 'tcp'; host: string; port: number; url: string };

/** The socket berth's daemon listens on when nothing else is configured. */
export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';

/** The port a TCP address without one gets, as docker's plain-HTTP default. */
const DEFAULT_TCP_PORT = 2375;

/**
 * Picks the daemon address the way the docker CLI does, with BERTH_HOST ahead of DOCKER_HOST:
 * the -H flag, then BERTH_HOST, then DOCKER_HOST, then the default socket.
 */
export function resolveHost(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env['BERTH_HOST'] || env['DOCKER_HOST'] || DEFAULT_HOST;
}

/**
 * Parses `unix:///path`, `tcp://host:port`, `http://host:port`, a bare `host:port` (TCP, as
 * docker reads it) or a bare `/path` (a socket, berth's shorthand).
 * @throws {Error} on a scheme berth cannot dial (ssh://, npipe://) or a malformed address.
 */
export function parseEndpoint(host: string): Endpoint {
  if (host.startsWith('/')) return { kind: 'unix', socketPath: host, url: `unix://${host}` };
  const m = /^([a-z]+):\/\/(.*)$/.exec(host);
  // docker reads an address without a scheme as TCP
  const [scheme, rest] = m ? [m[1]!, m[2]!] : host.includes('://') ? ['', ''] : ['tcp', host];
  if (scheme === 'unix') {
    if (!rest) throw new Error(`invalid bind address format: ${host}`);
    return { kind: 'unix', socketPath: rest, url: host };
  }
  if (scheme === 'tcp' || scheme === 'http') {
    const hostPort = rest.replace(/\/.*$/, '');
    const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(hostPort);
    const idx = hostPort.lastIndexOf(':');
    const [rawName, rawPort] = bracketed ? [bracketed[1]!, bracketed[2] ?? '']
      : idx >= 0 && hostPort.indexOf(':') === idx ? [hostPort.slice(0, idx), hostPort.slice(idx + 1)]
      : [hostPort, ''];
    const port = rawPort === '' ? DEFAULT_TCP_PORT : Number(rawPort);
    if (!/^\d*$/.test(rawPort) || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid bind address format: ${host}`);
    const name = rawName || 'localhost';
    const shown = name.includes(':') ? `[${name}]` : name;
    return { kind: 'tcp', host: name, port, url: `tcp://${shown}:${port}` };
  }
  if (scheme === 'ssh' || scheme === 'npipe' || scheme === 'fd') throw new Error(`unsupported docker host scheme \`${scheme}\` in \`${host}\``);
  throw new Error(`invalid bind address format: ${host}`);
}
