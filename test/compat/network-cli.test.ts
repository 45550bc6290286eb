// Networks through the real docker CLI: create, ls (with every filter), inspect, rm and
// prune, and the bad input Docker refuses, with Docker's status and words. Subnets come from
// 10.213.0.0/16 with a random third octet so two runs on one host do not meet.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { describeResult } from '../helpers/exec.js';
import { hex12, hex64, lines, ok, uniq } from '../helpers/assert.js';

interface NetworkJson {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv4: boolean;
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: Array<Record<string, unknown>> | null };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

describe('compat: docker network commands', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  const octet = randomInt(0, 200);
  const subnet = (k: number): string => `10.213.${octet + k}.0/24`;
  const base = (k: number): string => `10.213.${octet + k}`;

  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    if (!d) return;
    // kernel devices outlive the daemon's data root: containers first (a failed test may leave
    // one attached), then the networks, so no bridge is left behind
    const ps = await d.docker(['ps', '-aq']);
    if (ps.code === 0) for (const id of lines(ps.stdout)) await d.docker(['rm', '-f', id]);
    const r = await d.docker(['network', 'ls', '-q', '--filter', 'type=custom']);
    if (r.code === 0) for (const id of lines(r.stdout)) await d.docker(['network', 'rm', id]);
    await d.stop();
  });

  const inspect = async (name: string): Promise<NetworkJson> => {
    const [n] = JSON.parse(ok(await d.docker(['network', 'inspect', name]))) as NetworkJson[];
    return n!;
  };
  const names = async (...args: string[]): Promise<string[]> => lines(ok(await d.docker(['network', 'ls', ...args, '--format', '{{.Name}}'])));

  it('create prints the new id; inspect shows Docker\'s fields in Docker\'s order', async () => {
    const name = uniq('nc');
    const id = ok(await d.docker(['network', 'create', '--subnet', subnet(0), '--ip-range', `${base(0)}.128/25`, '--gateway', `${base(0)}.254`,
      '--aux-address', `router=${base(0)}.5`, '--label', 'tier=front', '--label', 'bare', '-o', 'com.docker.network.bridge.enable_icc=true', name])).trim();
    assert.match(id, hex64);
    const raw = ok(await d.docker(['network', 'inspect', name]));
    const [n] = JSON.parse(raw) as NetworkJson[];
    assert.deepEqual(Object.keys(n!), ['Name', 'Id', 'Created', 'Scope', 'Driver', 'EnableIPv4', 'EnableIPv6', 'IPAM', 'Internal', 'Attachable', 'Ingress',
      'ConfigFrom', 'ConfigOnly', 'Containers', 'Options', 'Labels']);
    assert.match(n!.Created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    assert.deepEqual({ ...n!, Created: '' }, {
      Name: name, Id: id, Created: '', Scope: 'local', Driver: 'bridge', EnableIPv4: true, EnableIPv6: false,
      IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: subnet(0), IPRange: `${base(0)}.128/25`, Gateway: `${base(0)}.254`, AuxiliaryAddresses: { router: `${base(0)}.5` } }] },
      Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: {},
      Options: { 'com.docker.network.bridge.enable_icc': 'true' }, Labels: { tier: 'front', bare: '' },
    });
    // docker prints the daemon's JSON indented by four spaces inside an array
    assert.match(raw, new RegExp(`^\\[\\n {4}\\{\\n {8}"Name": "${name}",\\n {8}"Id": "${id}",\\n`));
    assert.equal(ok(await d.docker(['network', 'inspect', '-f', '{{.Name}} {{.Driver}} {{range .IPAM.Config}}{{.Subnet}}{{end}}', id.slice(0, 12)])), `${name} bridge ${subnet(0)}\n`);
  });

  it('a network without --subnet gets one from the daemon, with its gateway', async () => {
    const name = uniq('nauto');
    ok(await d.docker(['network', 'create', '--internal', '--attachable', name]));
    const n = await inspect(name);
    assert.equal(n.Internal, true);
    assert.equal(n.Attachable, true);
    assert.equal(n.IPAM.Config?.length, 1);
    assert.match(String(n.IPAM.Config![0]!['Subnet']), /^\d+\.\d+\.\d+\.\d+\/\d+$/);
    assert.match(String(n.IPAM.Config![0]!['Gateway']), /^\d+\.\d+\.\d+\.\d+$/);
    ok(await d.docker(['network', 'rm', name]));
  });

  it('ls prints docker\'s table with the predefined networks', async () => {
    const out = lines(ok(await d.docker(['network', 'ls'])));
    assert.match(out[0]!, /^NETWORK ID {5}NAME +DRIVER +SCOPE$/);
    assert.ok(out.some((l) => /^[0-9a-f]{12} {3}host +host +local$/.test(l)), out.join('\n'));
    assert.ok(out.some((l) => /^[0-9a-f]{12} {3}none +null +local$/.test(l)), out.join('\n'));
    for (const id of lines(ok(await d.docker(['network', 'ls', '-q'])))) assert.match(id, hex12);
    for (const id of lines(ok(await d.docker(['network', 'ls', '-q', '--no-trunc'])))) assert.match(id, hex64);
  });

  it('ls filters: name (part of it), id (prefix), driver, label, type, scope, dangling', async () => {
    const tag = uniq('flt');
    const a = ok(await d.docker(['network', 'create', '--subnet', subnet(1), '--label', `${tag}=a`, '--label', 'usage=prod', `${tag}-alpha`])).trim();
    ok(await d.docker(['network', 'create', '--subnet', subnet(2), '--label', `${tag}=b`, `${tag}-beta`]));
    assert.deepEqual(await names('--filter', `name=${tag}`), [`${tag}-alpha`, `${tag}-beta`]);
    assert.deepEqual(await names('--filter', `name=${tag}-al`), [`${tag}-alpha`]);
    assert.deepEqual(await names('--filter', `id=${a.slice(0, 10)}`), [`${tag}-alpha`]);
    assert.deepEqual(await names('--filter', `label=${tag}`), [`${tag}-alpha`, `${tag}-beta`]);
    assert.deepEqual(await names('--filter', `label=${tag}=b`), [`${tag}-beta`]);
    assert.deepEqual(await names('--filter', `label=${tag}`, '--filter', 'label=usage=prod'), [`${tag}-alpha`]);
    assert.deepEqual(await names('--filter', `name=${tag}`, '--filter', 'driver=bridge'), [`${tag}-alpha`, `${tag}-beta`]);
    assert.deepEqual(await names('--filter', `name=${tag}`, '--filter', 'driver=null'), []);
    const builtin = await names('--filter', 'type=builtin');
    assert.ok(builtin.includes('host') && builtin.includes('none') && !builtin.some((n) => n.startsWith(tag)), builtin.join(','));
    assert.ok(!(await names('--filter', 'type=custom')).includes('host'));
    assert.deepEqual(await names('--filter', `name=${tag}`, '--filter', 'scope=local'), [`${tag}-alpha`, `${tag}-beta`]);
    assert.deepEqual(await names('--filter', `name=${tag}`, '--filter', 'scope=swarm'), []);
    assert.deepEqual(await names('--filter', `name=${tag}`, '--filter', 'dangling=true'), [`${tag}-alpha`, `${tag}-beta`]);
    assert.ok(!(await names('--filter', 'dangling=true')).includes('host'));
    assert.equal(ok(await d.docker(['network', 'ls', '--format', '{{.Name}} {{.Label "usage"}} {{.IPv6}} {{.Internal}}', '--filter', `label=${tag}=a`])),
      `${tag}-alpha prod false false\n`);
    const json = JSON.parse(ok(await d.docker(['network', 'ls', '--format', 'json', '--filter', `label=${tag}=b`]))) as Record<string, string>;
    assert.deepEqual(Object.keys(json).sort(), ['CreatedAt', 'Driver', 'ID', 'IPv4', 'IPv6', 'Internal', 'Labels', 'Name', 'Scope']);
    assert.match(json['CreatedAt']!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? \+0000 UTC$/);
  });

  it('ls refuses bad filters with Docker\'s words', async () => {
    let r = await d.docker(['network', 'ls', '--filter', 'colour=red']);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stderr, "Error response from daemon: invalid filter 'colour'\n");
    r = await d.docker(['network', 'ls', '--filter', 'dangling=maybe']);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stderr, 'Error response from daemon: invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")\n');
  });

  it('rm removes several, prints each name, and fails for the ones it cannot remove', async () => {
    const x = uniq('rmx');
    const y = uniq('rmy');
    ok(await d.docker(['network', 'create', '--subnet', subnet(3), x]));
    ok(await d.docker(['network', 'create', '--subnet', subnet(4), y]));
    const r = await d.docker(['network', 'rm', x, 'host', 'nosuch-net', y]);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stdout, `${x}\n${y}\n`);
    assert.equal(r.stderr, 'Error response from daemon: host is a pre-defined network and cannot be removed\n'
      + 'Error response from daemon: network nosuch-net not found\n'
      // docker CLI 28 ends a failed `network rm` with its generic status line
      + 'exit status 1\n');
    assert.deepEqual(await names('--filter', `name=^(${x}|${y})$`), []);
  });

  it('prune removes unused custom networks, honours label filters and never the predefined ones', async () => {
    const tag = uniq('prn');
    ok(await d.docker(['network', 'create', '--subnet', subnet(5), '--label', `${tag}=1`, `${tag}-one`]));
    ok(await d.docker(['network', 'create', '--subnet', subnet(6), '--label', `${tag}=1`, '--label', 'keep=yes', `${tag}-kept`]));
    let r = await d.docker(['network', 'prune', '--force', '--filter', `label=${tag}`, '--filter', 'label!=keep']);
    assert.equal(r.stdout, `Deleted Networks:\n${tag}-one\n\n`, describeResult(r));
    r = await d.docker(['network', 'prune', '--force', '--filter', `label=${tag}`, '--filter', 'until=1h']);
    assert.equal(r.stdout, '', describeResult(r));
    r = await d.docker(['network', 'prune', '--filter', `label=${tag}`], { input: 'y\n' });
    assert.equal(r.stdout, 'WARNING! This will remove all custom networks not used by at least one container.\n'
      + `Are you sure you want to continue? [y/N] Deleted Networks:\n${tag}-kept\n\n`, describeResult(r));
    const left = await names();
    assert.ok(left.includes('host') && left.includes('none'), left.join(','));
  });

  it('bad input: a taken name is 409, an overlapping subnet is refused, a predefined name is 403', async () => {
    const name = uniq('dup');
    ok(await d.docker(['network', 'create', '--subnet', subnet(7), name]));
    let r = await d.docker(['network', 'create', name]);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stderr, `Error response from daemon: network with name ${name} already exists\n`);
    let a = await d.api({ method: 'POST', path: '/networks/create', body: { Name: name } });
    assert.equal(a.status, 409, a.body);

    r = await d.docker(['network', 'create', '--subnet', `${base(7)}.0/25`, uniq('ovl')]);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stderr, 'Error response from daemon: invalid pool request: Pool overlaps with other one on this address space\n');
    a = await d.api({ method: 'POST', path: '/networks/create', body: { Name: uniq('ovl'), IPAM: { Config: [{ Subnet: subnet(7) }] } } });
    assert.equal(a.status, 403, a.body);

    r = await d.docker(['network', 'create', 'host']);
    assert.equal(r.code, 1, describeResult(r));
    // The daemon's message ends in a space (as Docker's does); the CLI trims it.
    assert.equal(r.stderr, 'Error response from daemon: operation is not permitted on predefined host network\n');
    assert.equal((await d.api({ method: 'DELETE', path: '/networks/host' })).status, 403);
  });

  it('bad input: a gateway or range outside the subnet, a malformed subnet', async () => {
    // the docker CLI pairs gateways with subnets itself
    let r = await d.docker(['network', 'create', '--subnet', subnet(8), '--gateway', `${base(9)}.1`, uniq('gw')]);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stderr, `no matching subnet for gateway ${base(9)}.1\n`);
    // other clients rely on the daemon's check
    let a = await d.api({ method: 'POST', path: '/networks/create', body: { Name: uniq('gw'), IPAM: { Config: [{ Subnet: subnet(8), Gateway: `${base(9)}.1` }] } } });
    assert.equal(a.status, 400, a.body);
    assert.equal(a.json<{ message: string }>().message, `invalid network config:\ninvalid gateway ${base(9)}.1: parent subnet ${subnet(8)} doesn't contain this address`);
    a = await d.api({ method: 'POST', path: '/networks/create', body: { Name: uniq('rg'), IPAM: { Config: [{ Subnet: subnet(8), IPRange: `${base(9)}.0/25` }] } } });
    assert.equal(a.status, 400, a.body);
    assert.equal(a.json<{ message: string }>().message, `invalid network config:\ninvalid ip-range ${base(9)}.0/25: parent subnet ${subnet(8)} doesn't contain ip-range`);
    r = await d.docker(['network', 'create', '--subnet', 'foo', uniq('bad')]);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stderr, 'Error response from daemon: invalid network config:\ninvalid subnet foo: invalid CIDR block notation\n');
    r = await d.docker(['network', 'create', '--subnet', `${base(8)}.7/24`, uniq('bad')]);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stderr, `Error response from daemon: invalid network config:\ninvalid subnet ${base(8)}.7/24: it should be ${subnet(8)}\n`);
    assert.deepEqual(await names('--filter', 'name=^(gw|rg|bad)-'), []);
  });

  it('bad input: an unknown network is 404 for inspect, rm, connect and disconnect', async () => {
    let r = await d.docker(['network', 'inspect', 'nosuch-net']);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stdout, '[]\n');
    assert.equal(r.stderr, 'Error response from daemon: network nosuch-net not found\n');
    r = await d.docker(['network', 'rm', 'nosuch-net']);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stderr, 'Error response from daemon: network nosuch-net not found\nexit status 1\n');
    r = await d.docker(['network', 'rm', '-f', 'nosuch-net']);
    assert.equal(r.code, 0, describeResult(r));
    // with a running container, so that the network is what is missing (Docker looks the container up first)
    const ctr = uniq('c404');
    ok(await d.docker(['run', '-d', '--name', ctr, '--network', 'none', 'busybox', 'sleep', '300']));
    for (const op of ['connect', 'disconnect']) {
      r = await d.docker(['network', op, 'nosuch-net', ctr]);
      assert.equal(r.code, 1, describeResult(r));
      assert.equal(r.stderr, 'Error response from daemon: network nosuch-net not found\n');
    }
    const a = await d.api({ method: 'POST', path: '/networks/nosuch-net/connect', body: { Container: ctr } });
    assert.equal(a.status, 404, a.body);
    ok(await d.docker(['rm', '-f', ctr]));
  });

  it('connect and disconnect a created container; a running one shows in inspect and keeps its network from rm and prune', async () => {
    const net = uniq('cn');
    const ctr = uniq('cc');
    ok(await d.docker(['network', 'create', '--subnet', subnet(10), net]));
    ok(await d.docker(['create', '--name', ctr, 'busybox', 'sleep', '300']));
    ok(await d.docker(['network', 'connect', '--alias', 'db', '--ip', `${base(10)}.50`, net, ctr]));
    const settings = JSON.parse(ok(await d.docker(['inspect', '-f', `{{json (index .NetworkSettings.Networks "${net}")}}`, ctr]))) as Record<string, unknown>;
    assert.deepEqual(settings['IPAMConfig'], { IPv4Address: `${base(10)}.50` });
    assert.deepEqual(settings['Aliases'], ['db']);
    ok(await d.docker(['start', ctr]));
    const n = await inspect(net);
    const eps = Object.values(n.Containers);
    assert.equal(eps.length, 1, JSON.stringify(n.Containers));
    assert.equal(eps[0]!.Name, ctr);
    assert.equal(eps[0]!.IPv4Address, `${base(10)}.50/24`);
    assert.match(eps[0]!.EndpointID, hex64);
    let r = await d.docker(['network', 'rm', net]);
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, new RegExp(`^Error response from daemon: .*${net}.*has active endpoints.*${ctr}`));
    r = await d.docker(['network', 'prune', '-f']);
    assert.ok(!r.stdout.includes(net), describeResult(r));
    ok(await d.docker(['network', 'disconnect', net, ctr]));
    assert.deepEqual((await inspect(net)).Containers, {});
    ok(await d.docker(['rm', '-f', ctr]));
    ok(await d.docker(['network', 'rm', net]));
  });

  it('connect refuses the host network, and static addresses on the predefined networks', async () => {
    const ctr = uniq('ch');
    ok(await d.docker(['create', '--name', ctr, 'busybox', 'true']));
    let r = await d.docker(['network', 'connect', 'host', ctr]);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stderr, 'Error response from daemon: cannot connect container to host network - container must be created in host network mode\n');
    r = await d.docker(['network', 'connect', '--ip', '10.213.250.9', 'none', ctr]);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stderr, 'Error response from daemon: invalid endpoint settings:\nuser specified IP address is supported on user defined networks only\n');
    ok(await d.docker(['rm', ctr]));
  });
});
