// A tiny TCP/UDP peer for the kernel network tests, run inside a namespace with
// `ip netns exec NS node peer.js …`. The server answers every connection or datagram with the
// address it came from, so a test sees whether NAT rewrote the source.
//   server tcp|udp PORT [HOST]      prints "ready" once listening
//   client tcp|udp HOST PORT [MS]   prints the answer and exits 0, or "ERR <reason>" and exits 1
import { createSocket } from 'node:dgram';
import { connect, createServer, isIPv6 } from 'node:net';

const [mode, proto, a, b, c] = process.argv.slice(2);

function fail(reason: string): never {
  process.stdout.write(`ERR ${reason}\n`);
  process.exit(1);
}

if (mode === 'server') {
  const port = Number(a);
  const host = b ?? '::';
  if (proto === 'tcp') {
    createServer((s) => { s.end(`${s.remoteAddress?.replace(/^::ffff:/, '')}\n`); }).listen(port, host, () => process.stdout.write('ready\n'));
  } else {
    const sock = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    sock.on('message', (_m, r) => sock.send(`${r.address.replace(/^::ffff:/, '')}\n`, r.port, r.address));
    sock.bind(port, host, () => process.stdout.write('ready\n'));
  }
} else if (mode === 'client') {
  const host = a!;
  const port = Number(b);
  const ms = Number(c ?? 1500);
  setTimeout(() => fail('timeout'), ms).unref();
  if (proto === 'tcp') {
    const s = connect({ host, port });
    let out = '';
    s.on('data', (d) => { out += d.toString(); });
    s.on('end', () => { process.stdout.write(out); process.exit(0); });
    s.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
  } else {
    const sock = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    sock.on('message', (m) => { process.stdout.write(m.toString()); process.exit(0); });
    sock.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
    sock.send('hello\n', port, host);
  }
} else {
  fail(`usage: server|client tcp|udp …`);
}
