import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDaemon } from '../../../client/testing/fake-daemon.js';
import { runCaptured } from '../../testing/capture.js';

let daemon: FakeDaemon;
const berth = (...args: string[]) => runCaptured(['-H', daemon.host, ...args]);
const berthIn = (stdin: string, ...args: string[]) => runCaptured(['-H', daemon.host, ...args], { stdin });

const ID1 = '95e74588f40db048e86320c6526440c504650a1ff3e9f7d60a497c4d2163e5bd';
const ID2 = '63d1ff1f77b07ca51070a8c227e962238358bd310bde1529cf62e6c307ade161';

function net(name: string, id: string, over: Record<string, unknown> = {}) {
  return {
    Name: name, Id: id, Created: '2021-03-09T21:41:29.798999500Z', Scope: 'local', Driver: 'bridge', EnableIPv4: true, EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.10.0.0/24', Gateway: '10.10.0.1' }] }, Internal: false, Attachable: false,
    Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: {}, Options: {}, Labels: { tier: 'front' }, ...over,
  };
}

before(async () => { daemon = await new FakeDaemon().listen(); });
after(() => daemon.close());

test('network ls prints docker\'s table sorted by name, -q ids, --no-trunc full ids, filters sent', async () => {
  daemon.json('GET /networks', 200, [net('web10', ID2), net('web9', ID1, { Driver: 'macvlan' })]);
  let r = await berth('network', 'ls');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout,
    'NETWORK ID     NAME      DRIVER    SCOPE\n'
    + '95e74588f40d   web9      macvlan   local\n'
    + '63d1ff1f77b0   web10     bridge    local\n');
  r = await berth('network', 'ls', '-q', '-f', 'driver=bridge', '--filter', 'label=tier');
  assert.equal(r.stdout, '95e74588f40d\n63d1ff1f77b0\n');
  assert.deepEqual(JSON.parse(daemon.seen('GET /networks').at(-1)!.query.get('filters')!), { driver: { bridge: true }, label: { tier: true } });
  r = await berth('network', 'list', '--no-trunc', '-q');
  assert.equal(r.stdout, `${ID1}\n${ID2}\n`);
});

test('network ls --format: templates, table with headers, json', async () => {
  daemon.json('GET /networks', 200, [net('front', ID1)]);
  let r = await berth('network', 'ls', '--format', '{{.ID}}: {{.Driver}} {{.Label "tier"}} {{.IPv6}} {{.CreatedAt}}');
  assert.equal(r.stdout, '95e74588f40d: bridge front false 2021-03-09 21:41:29.7989995 +0000 UTC\n');
  r = await berth('network', 'ls', '--format', 'table {{.Name}}\t{{.Internal}}\t{{.Labels}}');
  assert.equal(r.stdout, 'NAME      INTERNAL   LABELS\nfront     false      tier=front\n');
  r = await berth('network', 'ls', '--format', 'json');
  assert.deepEqual(JSON.parse(r.stdout), {
    CreatedAt: '2021-03-09 21:41:29.7989995 +0000 UTC', Driver: 'bridge', ID: '95e74588f40d', IPv4: 'true', IPv6: 'false', Internal: 'false', Labels: 'tier=front', Name: 'front', Scope: 'local',
  });
});

test('network ls shows a daemon error the docker way', async () => {
  daemon.json('GET /networks', 400, { message: "invalid filter 'colour'" });
  const r = await berth('network', 'ls', '-f', 'colour=red');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "Error response from daemon: invalid filter 'colour'\n");
});

test('network create sends docker\'s body and prints the id', async () => {
  daemon.json('POST /networks/create', 201, { Id: ID1, Warning: '' });
  const r = await berth('network', 'create', '-d', 'bridge', '--subnet', '172.28.0.0/16', '--ip-range', '172.28.5.0/24', '--gateway', '172.28.5.254',
    '--aux-address', 'router=172.28.1.5', '-o', 'com.docker.network.bridge.name=br9', '--label', 'a=b', '--label', 'c', '--internal', '--attachable',
    '--ipam-opt', 'x=y', 'front');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${ID1}\n`);
  const body = JSON.parse(daemon.seen('POST /networks/create').at(-1)!.body) as Record<string, unknown>;
  assert.deepEqual(body, {
    Name: 'front', Driver: 'bridge', Scope: '', Internal: true, Attachable: true, Ingress: false, ConfigOnly: false, ConfigFrom: null,
    IPAM: { Driver: 'default', Options: { x: 'y' }, Config: [{ Subnet: '172.28.0.0/16', IPRange: '172.28.5.0/24', Gateway: '172.28.5.254', AuxiliaryAddresses: { router: '172.28.1.5' } }] },
    Options: { 'com.docker.network.bridge.name': 'br9' }, Labels: { a: 'b', c: '' },
  });
});

test('network create sends EnableIPv4/EnableIPv6 only when given', async () => {
  daemon.json('POST /networks/create', 201, { Id: ID1, Warning: '' });
  await berth('network', 'create', 'plain');
  let body = JSON.parse(daemon.seen('POST /networks/create').at(-1)!.body) as Record<string, unknown>;
  assert.equal('EnableIPv4' in body || 'EnableIPv6' in body, false);
  assert.deepEqual(body['IPAM'], { Driver: 'default', Options: {}, Config: [] });
  await berth('network', 'create', '--ipv6', '--ipv4=false', 'v6only');
  body = JSON.parse(daemon.seen('POST /networks/create').at(-1)!.body) as Record<string, unknown>;
  assert.equal(body['EnableIPv4'], false);
  assert.equal(body['EnableIPv6'], true);
});

test('network create refuses pools that do not fit before asking the daemon, with docker\'s words', async () => {
  const before = daemon.seen('POST /networks/create').length;
  const cases: Array<[string[], string]> = [
    [['--subnet', '10.1.0.0/24', '--gateway', '10.2.0.1'], 'no matching subnet for gateway 10.2.0.1\n'],
    [['--subnet', '10.1.0.0/24', '--ip-range', '10.2.0.0/25'], 'no matching subnet for range 10.2.0.0/25\n'],
    [['--gateway', '10.2.0.1'], 'every ip-range or gateway must have a corresponding subnet\n'],
    [['--subnet', '10.1.0.0/16', '--subnet', '10.1.2.0/24'], 'multiple overlapping subnet configuration is not supported\n'],
    [['--subnet', '10.1.0.0/24', '--aux-address', 'r=10.9.0.1'], 'no matching subnet for aux-address 10.9.0.1\n'],
    [['--subnet', '10.1.0.0/24', '--gateway', '10.1.0.1', '--gateway', '10.1.0.2'], 'every ip-range or gateway must have a corresponding subnet\n'],
    [['--subnet', '10.1.0.0/24,10.2.0.0/24', '--gateway', '10.1.0.1', '--gateway', '10.1.0.2'], 'cannot configure multiple gateways (10.1.0.2, 10.1.0.1) for the same subnet (10.1.0.0/24)\n'],
  ];
  for (const [args, err] of cases) {
    const r = await berth('network', 'create', ...args, 'bad');
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.stderr, err, args.join(' '));
  }
  const r = await berth('network', 'create', '--gateway', 'nope', 'bad');
  assert.equal(r.code, 125);
  assert.match(r.stderr, /^invalid argument "nope" for "--gateway" flag: invalid string being converted to IP address: nope\n/);
  assert.equal(daemon.seen('POST /networks/create').length, before);
});

test('network create needs exactly one name', async () => {
  const r = await berth('network', 'create');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^berth: 'berth network create' requires 1 argument\n/);
});

test('network inspect prints a JSON array; -f templates; a missing one fails after the found ones', async () => {
  daemon.json('GET /networks/front', 200, net('front', ID1));
  daemon.json('GET /networks/ghost', 404, { message: 'network ghost not found' });
  let r = await berth('network', 'inspect', 'front', 'ghost');
  assert.equal(r.code, 1);
  assert.deepEqual(JSON.parse(r.stdout), [net('front', ID1)]);
  assert.match(r.stdout, /^\[\n {4}\{\n {8}"Name": "front",/);
  assert.equal(r.stderr, 'Error response from daemon: network ghost not found\n');
  r = await berth('network', 'inspect', '-f', '{{.Name}} {{range .IPAM.Config}}{{.Subnet}}{{end}} {{json .Labels}}', 'front');
  assert.equal(r.stdout, 'front 10.10.0.0/24 {"tier":"front"}\n');
  // templates see docker's Go types: a time prints as Go prints it, structs in Go's field order
  r = await berth('network', 'inspect', '-f', '{{.Created}}|{{.IPAM}}|{{.ConfigFrom}}', 'front');
  assert.equal(r.stdout, '2021-03-09 21:41:29.7989995 +0000 UTC|{default map[] [{10.10.0.0/24  10.10.0.1 map[]}]}|{}\n');
  await berth('network', 'inspect', '-v', 'front');
  assert.equal(daemon.seen('GET /networks/front').at(-1)!.query.get('verbose'), '1');
});

test('network rm echoes each removed name, reports failures, exits 1; -f ignores missing ones', async () => {
  daemon.on('DELETE /networks/front', (_req, res) => { res.writeHead(204); res.end(); });
  daemon.json('DELETE /networks/bridge', 403, { message: 'bridge is a pre-defined network and cannot be removed' });
  daemon.json('DELETE /networks/ghost', 404, { message: 'network ghost not found' });
  let r = await berth('network', 'rm', 'front', 'bridge', 'ghost');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'front\n');
  assert.equal(r.stderr, 'Error response from daemon: bridge is a pre-defined network and cannot be removed\nError response from daemon: network ghost not found\nexit status 1\n');
  r = await berth('network', 'remove', '-f', 'ghost', 'front');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'front\n');
  assert.equal(r.stderr, '');
});

test('network prune asks first, lists what went, and prints nothing when none went', async () => {
  daemon.json('POST /networks/prune', 200, { NetworksDeleted: ['n1', 'n2'] });
  let r = await berthIn('y\n', 'network', 'prune', '--filter', 'until=24h');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] Deleted Networks:\nn1\nn2\n\n');
  assert.deepEqual(JSON.parse(daemon.seen('POST /networks/prune').at(-1)!.query.get('filters')!), { until: { '24h': true } });
  const count = daemon.seen('POST /networks/prune').length;
  r = await berthIn('n\n', 'network', 'prune');
  assert.equal(r.stdout, 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ');
  assert.equal(daemon.seen('POST /networks/prune').length, count);
  daemon.json('POST /networks/prune', 200, { NetworksDeleted: null });
  r = await berth('network', 'prune', '-f');
  assert.equal(r.stdout, '');
});

test('network connect sends the endpoint config; disconnect sends Force', async () => {
  daemon.on('POST /networks/front/connect', (_req, res) => { res.writeHead(200); res.end(); });
  daemon.on('POST /networks/front/disconnect', (_req, res) => { res.writeHead(200); res.end(); });
  let r = await berth('network', 'connect', '--alias', 'db', '--alias', 'mysql,sql', '--ip', '10.10.0.9', '--link', 'other:o', '--driver-opt', 'k=v', 'front', 'web');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.deepEqual(JSON.parse(daemon.seen('POST /networks/front/connect').at(-1)!.body), {
    Container: 'web',
    EndpointConfig: { IPAMConfig: { IPv4Address: '10.10.0.9' }, Links: ['other:o'], Aliases: ['db', 'mysql', 'sql'], DriverOpts: { k: 'v' }, GwPriority: 0 },
  });
  r = await berth('network', 'connect', '--driver-opt', 'novalue', 'front', 'web');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'invalid key value pair format in driver options\n');
  r = await berth('network', 'disconnect', '-f', 'front', 'web');
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(daemon.seen('POST /networks/front/disconnect').at(-1)!.body), { Container: 'web', Force: true });
  daemon.json('POST /networks/front/disconnect', 404, { message: 'No such container: ghost' });
  r = await berth('network', 'disconnect', 'front', 'ghost');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error response from daemon: No such container: ghost\n');
});

test('berth network lists its subcommands, and the top-level help shows the group', async () => {
  let r = await berth('network');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: {2}berth network COMMAND\n\nManage networks\n\nCommands:\n {2}create\n {2}ls\n/);
  r = await berth('--help');
  assert.match(r.stdout, /\n {2}network {4}Manage networks\n/);
});
