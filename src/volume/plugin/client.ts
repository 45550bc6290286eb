import { request } from 'node:http';
import { InternalError, InvalidArgumentError, UnavailableError } from '../../lib/errors/index.js';

/**
 * The transport of Docker's (v1, "legacy") plugin protocol: every call is a POST of a JSON body to
 * `/<Interface>.<Method>` over HTTP, on a UNIX socket or a TCP address, answered with JSON.
 */

/** Where a plugin listens: a UNIX socket path, or a TCP host and port. */
export type PluginAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/** The media type Docker sends in Accept (and berth also as Content-Type) on every plugin call. */
export const PLUGIN_MEDIA_TYPE = 'application/vnd.docker.plugins.v1.2+json';
/** A plugin's answers are small JSON documents (a List of many volumes stays far below this). */
export const MAX_RESPONSE_BYTES = 1 << 20;
export const CALL_TIMEOUT_MS = 30_000;

export interface CallOptions {
  timeoutMs?: number;
  maxBytes?: number;
}

/**
 * `unix:///path`, a bare absolute path, `tcp://host:port` or `http://host:port` as an address.
 * @throws InvalidArgumentError for anything else (a TLS address among them: berth does not speak it to plugins).
 */
export function parsePluginAddress(text: string): PluginAddress {
  const s = text.trim();
  if (s.startsWith('/')) return { kind: 'unix', path: s };
  const m = /^([a-z]+):\/\/(.*)$/.exec(s);
  if (m?.[1] === 'unix' && m[2]!.startsWith('/')) return { kind: 'unix', path: m[2]! };
  if (m && (m[1] === 'tcp' || m[1] === 'http')) {
    let url: URL;
    try {
      // A scheme without default ports, so ":80" stays in url.port.
      url = new URL(`tcp://${m[2]}`);
    } catch {
      throw new InvalidArgumentError(`invalid plugin address ${JSON.stringify(text)}`);
    }
    const port = Number(url.port);
    if (!url.hostname || !port || (url.pathname !== '/' && url.pathname !== '')) throw new InvalidArgumentError(`invalid plugin address ${JSON.stringify(text)}: want tcp://host:port`);
    return { kind: 'tcp', host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
  }
  throw new InvalidArgumentError(`invalid plugin address ${JSON.stringify(text)}: want unix:///path or tcp://host:port`);
}

export function formatPluginAddress(a: PluginAddress): string {
  return a.kind === 'unix' ? `unix://${a.path}` : `tcp://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}

/**
 * Calls `method` ("Plugin.Activate", "VolumeDriver.Mount", …) with `body` and answers the decoded
 * JSON object. A plugin's refusal keeps its text: an `Err` in a 200 answer becomes the error's
 * message as it is; any other status gives "<method>: <Err or body>", as Docker words it.
 * @throws UnavailableError when nothing listens at the address or it does not answer in time,
 *   InternalError for a refusal or an answer that is not a JSON object of at most 1 MiB.
 */
export function callPlugin(socketOrAddr: string | PluginAddress, method: string, body: unknown, opts: CallOptions = {}): Promise<Record<string, unknown>> {
  const addr = typeof socketOrAddr === 'string' ? parsePluginAddress(socketOrAddr) : socketOrAddr;
  const timeoutMs = opts.timeoutMs ?? CALL_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? MAX_RESPONSE_BYTES;
  const payload = Buffer.from(JSON.stringify(body ?? {}));
  const where = formatPluginAddress(addr);
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const req = request({
      ...(addr.kind === 'unix' ? { socketPath: addr.path, host: 'plugin' } : { host: addr.host, port: addr.port }),
      method: 'POST',
      path: `/${method}`,
      headers: { Accept: PLUGIN_MEDIA_TYPE, 'Content-Type': PLUGIN_MEDIA_TYPE, 'Content-Length': payload.length },
      agent: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          fail(new InternalError(`${method}: the plugin at ${where} answered more than ${maxBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('error', (err) => fail(new UnavailableError(`${method}: reading the answer of the plugin at ${where}: ${err.message}`, { cause: err })));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          resolve(decodeAnswer(method, res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    timer = setTimeout(() => fail(new UnavailableError(`${method}: the plugin at ${where} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') {
        fail(new UnavailableError(`${method}: the plugin at ${where} is not running (${err.code === 'ENOENT' ? 'no such socket' : 'connection refused'})`, { cause: err }));
      } else {
        fail(new UnavailableError(`${method}: calling the plugin at ${where}: ${err.message}`, { cause: err }));
      }
    });
    req.end(payload);
  });
}

function decodeAnswer(method: string, status: number, text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    doc = undefined;
  }
  const obj = doc && typeof doc === 'object' && !Array.isArray(doc) ? doc as Record<string, unknown> : undefined;
  const errText = typeof obj?.Err === 'string' ? obj.Err : '';
  if (status !== 200) throw new InternalError(`${method}: ${errText || text.trim() || `status ${status}`}`);
  if (errText) throw new InternalError(errText);
  if (!obj) throw new InternalError(`${method}: the plugin's answer is not a JSON object`);
  return obj;
}
