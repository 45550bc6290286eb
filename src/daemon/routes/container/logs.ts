import type { Router } from '../../server/router.js';
import { boolParam } from '../../server/context.js';
import { need } from '../../server/respond.js';
import { InvalidArgumentError } from '../../../lib/errors/index.js';
import type { ContainerBackend } from './backend.js';
import { OutputEncoder, MULTIPLEXED_STREAM, RAW_STREAM } from './stream-writer.js';

/** Docker's since/until: unix seconds with an optional fraction ("1700000000.123456789"). */
function timeParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '' || v === '0') return undefined;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new InvalidArgumentError(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return Number(v);
}

export function addLogRoutes(r: Router, b: ContainerBackend): void {
  r.add('GET', '/containers/{id}/logs', async (ctx) => {
    const q = ctx.query;
    const stdout = boolParam(q, 'stdout');
    const stderr = boolParam(q, 'stderr');
    if (!stdout && !stderr) throw new InvalidArgumentError('Bad parameters: you must choose at least one stream');
    const tailRaw = q.get('tail');
    let tail: number | undefined;
    if (tailRaw && tailRaw !== 'all') {
      if (!/^-?\d+$/.test(tailRaw)) throw new InvalidArgumentError(`invalid value for tail: ${JSON.stringify(tailRaw)}`);
      tail = Number(tailRaw) < 0 ? undefined : Number(tailRaw);
    }
    const timestamps = boolParam(q, 'timestamps');
    const { tty, entries } = b.containerLogs(ctx.params.id!, {
      follow: boolParam(q, 'follow'), tail, since: timeParam(q, 'since'), until: timeParam(q, 'until'), stdout, stderr, signal: ctx.signal,
    });
    const res = need(ctx);
    res.writeHead(200, { 'Content-Type': tty ? RAW_STREAM : MULTIPLEXED_STREAM });
    res.flushHeaders();
    const enc = new OutputEncoder(res, tty);
    try {
      for await (const e of entries) {
        if (enc.closed) break;
        const data = timestamps ? Buffer.concat([Buffer.from(`${e.time} `), e.data]) : e.data;
        await enc.write(e.stream, data);
      }
    } finally {
      enc.end();
    }
  });
}
