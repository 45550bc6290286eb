import { InvalidArgumentError } from '../../lib/errors/index.js';
import { readJson, type RequestContext } from './context.js';

const MAX_BODY = 1024 * 1024;

/**
 * Reads a JSON body sent along with an Upgrade request (exec start sends its options that
 * way): Node hands such a request over with the socket, the body unread. Exactly
 * Content-Length bytes are taken; what follows is the client's stdin and is left in `head`.
 * A plain request's body is read as usual.
 */
export async function readRequestJson(ctx: RequestContext): Promise<unknown> {
  if (!ctx.upgrade) return readJson(ctx);
  const length = Number(ctx.req.headers['content-length'] ?? 0);
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_BODY) throw new InvalidArgumentError('invalid request body length');
  const { socket } = ctx.upgrade;
  let buf = ctx.upgrade.head;
  while (buf.length < length) {
    const chunk = await new Promise<Buffer | undefined>((resolve) => {
      const done = (d?: Buffer): void => {
        socket.off('data', done);
        socket.off('end', gone);
        socket.off('close', gone);
        socket.pause();
        resolve(d);
      };
      const gone = (): void => done(undefined);
      socket.on('data', done);
      socket.once('end', gone);
      socket.once('close', gone);
      socket.resume();
    });
    if (!chunk) throw new InvalidArgumentError('invalid JSON: unexpected EOF');
    buf = Buffer.concat([buf, chunk]);
  }
  ctx.upgrade.head = buf.subarray(length);
  const text = buf.subarray(0, length).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`invalid JSON: ${(err as Error).message}`, { cause: err });
  }
}
