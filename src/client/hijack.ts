import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { EngineClient, Query } from './transport.js';
import { errorOfResponse } from './errors.js';
import { readBody } from './transport.js';
import { connectionError } from './connection-error.js';

/** A connection the daemon handed over to raw bytes (attach, start with streams). */
export interface HijackedConnection {
  /** The socket: reads are the container's output, writes its stdin. */
  socket: Duplex;
  /** Bytes the daemon sent right after the 101 headers, before the socket was handed back. */
  head: Buffer;
  /** The `Content-Type` of the upgrade answer: `application/vnd.docker.multiplexed-stream` or raw. */
  contentType: string;
}

/**
 * POSTs with `Connection: Upgrade` / `Upgrade: tcp` and hands back the raw socket once the
 * daemon answers 101 Switching Protocols.
 * @throws an error of the kind the status stands for when the daemon refuses.
 */
export function hijack(client: EngineClient, path: string, query?: Query, body?: unknown): Promise<HijackedConnection> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({
      ...client.connectOptions(),
      method: 'POST',
      path: client.url(path, query),
      headers: {
        'User-Agent': 'berth-cli',
        Connection: 'Upgrade',
        Upgrade: 'tcp',
        ...(payload ? { 'Content-Type': 'application/json' } : {}),
      },
    });
    req.on('upgrade', (res, socket, head) => {
      socket.setNoDelay?.(true);
      resolve({ socket, head, contentType: String(res.headers['content-type'] ?? '') });
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        res.resume();
        reject(new Error(`daemon answered ${status} instead of upgrading the connection`));
        return;
      }
      readBody(res, 64 * 1024).then((text) => reject(errorOfResponse(status, text)), reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      reject(connectionError(client.endpoint, err));
    });
    req.end(payload);
  });
}
