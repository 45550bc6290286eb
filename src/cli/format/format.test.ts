import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignTable } from './table.js';
import { ellipsis, goQuote, shortId } from './text.js';
import { humanDuration, humanSize, ramInBytes, since } from './units.js';
import { parseGoDuration, parseTimestamp } from './timestamp.js';
import { containerRow, formatPorts } from './container-row.js';
import { imageRows } from './image-row.js';

test('human sizes like go-units', () => {
  assert.equal(humanSize(4261376), '4.26MB');
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(128), '128B');
  assert.equal(humanSize(12345), '12.3kB');
  assert.equal(humanSize(1_000_000), '1MB');
  assert.equal(humanSize(1_234_567_890), '1.23GB');
  assert.equal(ramInBytes('512m'), 512 * 1024 * 1024);
  assert.equal(ramInBytes('1g'), 1024 ** 3);
  assert.throws(() => ramInBytes('lots'));
});

test('human durations like go-units', () => {
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(3000), '3 seconds');
  assert.equal(humanDuration(61_000), 'About a minute');
  assert.equal(humanDuration(5 * 60_000), '5 minutes');
  assert.equal(humanDuration(60 * 60_000), 'About an hour');
  assert.equal(humanDuration(5 * 3_600_000), '5 hours');
  assert.equal(humanDuration(3 * 86_400_000), '3 days');
  assert.equal(humanDuration(20 * 86_400_000), '2 weeks');
  assert.equal(humanDuration(90 * 86_400_000), '3 months');
  assert.equal(humanDuration(800 * 86_400_000), '2 years');
  assert.equal(since(100, 105_000), '5 seconds ago');
});

test('ellipsis, quoting, short ids', () => {
  assert.equal(ellipsis("sh -c 'exit 0; sleep 1'", 20), "sh -c 'exit 0; slee…");
  assert.equal(goQuote("sh -c 'exi…"), '"sh -c \'exi…"');
  assert.equal(goQuote('a"b\n'), '"a\\"b\\n"');
  assert.equal(shortId('sha256:0123456789abcdef0123'), '0123456789ab');
});

test('tabwriter alignment with docker settings', () => {
  const out = alignTable('CONTAINER ID\tIMAGE\tCOMMAND\tNAMES\nabc\tbusybox\t"sh"\tweb');
  assert.equal(out, 'CONTAINER ID   IMAGE     COMMAND   NAMES\nabc            busybox   "sh"      web');
});

test('ports display: published, exposed, ranges', () => {
  assert.equal(formatPorts([
    { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
    { PrivatePort: 443, Type: 'tcp' },
    { IP: '0.0.0.0', PrivatePort: 81, PublicPort: 8081, Type: 'tcp' },
  ]), '443/tcp, 0.0.0.0:8080->80/tcp, 0.0.0.0:8081->81/tcp');
  // Docker collapses only ports published on their own number; IPv6 ones then read ":::53".
  assert.equal(formatPorts([{ IP: '::', PrivatePort: 53, PublicPort: 53, Type: 'udp' }]), ':::53->53/udp');
});

test('container rows truncate and quote like docker ps', () => {
  const row = containerRow({
    Id: 'a'.repeat(64), Names: ['/web', '/other/link'], Image: 'busybox', ImageID: 'sha256:x',
    Command: "sh -c 'exit 0; sleep 1'", Created: 1000, Ports: [], Labels: { a: '1' }, State: 'exited',
    Status: 'Exited (0) 5 seconds ago', Mounts: [],
  }, { noTrunc: false, now: 1000_000 + 90_000 });
  assert.equal(row.ID, 'aaaaaaaaaaaa');
  assert.equal(row.Command, '"sh -c \'exit 0; slee…"');
  assert.equal(row.Names, 'web');
  assert.equal(row.RunningFor, 'About a minute ago');
  assert.equal(row.Label('a'), '1');
  assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(row)) as object).slice(0, 3), ['Command', 'CreatedAt', 'ID']);
});

test('image rows: one per tag, <none> when untagged', () => {
  const base = { Id: 'sha256:' + 'b'.repeat(64), ParentId: '', Created: 0, Size: 4261376, SharedSize: -1, Labels: null, Containers: -1 };
  const rows = imageRows({ ...base, RepoTags: ['busybox:latest', 'localhost:5000/bb:1'], RepoDigests: null }, { noTrunc: false, now: 0 });
  assert.deepEqual(rows.map((r) => [r.Repository, r.Tag, r.ID, r.Size]), [
    ['busybox', 'latest', 'bbbbbbbbbbbb', '4.26MB'],
    ['localhost:5000/bb', '1', 'bbbbbbbbbbbb', '4.26MB'],
  ]);
  const none = imageRows({ ...base, RepoTags: [], RepoDigests: [] }, { noTrunc: true, now: 0 });
  assert.deepEqual([none[0]!.Repository, none[0]!.Tag, none[0]!.ID], ['<none>', '<none>', base.Id]);
});

test('since/until values: durations, RFC 3339, unix seconds', () => {
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('10x'), undefined);
  assert.equal(parseTimestamp('10m', 1_000_000_000), String(1_000_000 - 600));
  assert.equal(parseTimestamp('2024-01-02T15:04:05Z'), '1704207845');
  assert.equal(parseTimestamp('1700000000.5'), '1700000000.5');
  assert.throws(() => parseTimestamp('yesterday'));
});
