// Layer unpack speed, in process: berth's unpackLayer against GNU tar extracting the same layer
// tarball into a fresh directory, round by round, alternating which goes first. Prints medians.
// With no file given, the layer is built from this host's directories (a Debian-like mix of
// many small files, symlinks and some large files).
//
// usage (after `npm run build`, as root so owners are applied): node dist/bench/unpack-layer.js [layer.tar[.gz]]
// Environment: BENCH_ROUNDS (5), BENCH_DIRS ("etc usr/share/doc usr/share/zoneinfo usr/share/perl var/lib/dpkg").
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unpackLayer } from '../src/lib/tar/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DIRS = (process.env.BENCH_DIRS ?? 'etc usr/share/doc usr/share/zoneinfo usr/share/perl var/lib/dpkg').split(' ');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'berth-bench-unpack-'));
  try {
    let layer = process.argv[2];
    if (!layer) {
      layer = join(work, 'layer.tar');
      const r = spawnSync('tar', ['-C', '/', '--numeric-owner', '-cf', layer, ...DIRS], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (r.status !== 0 && r.status !== 1) throw new Error(`tar exited with ${r.status}`);
    }
    const times: Record<'berth' | 'tar', number[]> = { berth: [], tar: [] };
    let entries = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const order: Array<'berth' | 'tar'> = round % 2 ? ['tar', 'berth'] : ['berth', 'tar'];
      for (const who of order) {
        const dest = await mkdtemp(join(work, `${who}-`));
        const t0 = performance.now();
        if (who === 'berth') {
          entries = (await unpackLayer(createReadStream(layer, { highWaterMark: 256 * 1024 }), dest)).entries;
        } else {
          const r = spawnSync('tar', ['-C', dest, '--numeric-owner', '-xf', layer], { stdio: 'inherit' });
          if (r.status !== 0) throw new Error(`tar -x exited with ${r.status}`);
        }
        times[who].push(performance.now() - t0);
        spawnSync('sync', ['-f', dest]);
        await rm(dest, { recursive: true, force: true });
      }
    }
    console.log(`${layer}: ${entries} entries, medians of ${ROUNDS} rounds`);
    console.log(`| unpackLayer | ${median(times.berth).toFixed(0)} ms | GNU tar -x | ${median(times.tar).toFixed(0)} ms | ratio ${(median(times.berth) / median(times.tar)).toFixed(2)} |`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
