import { isIPv4, isIPv6 } from 'node:net';
import { InvalidArgumentError } from '../../lib/errors/index.js';
import type { FirewallNetwork, FirewallPorts, PortProto } from '../types.js';

/**
 * Renders berth's whole nftables table from the firewall's state. Pure: the same state gives
 * the same text, so the firewall replaces the table in one transaction on every change and
 * never edits rules in place.
 *
 * Layout (every chain is a base chain with policy accept: berth only adds verdicts for its own
 * bridges and never blocks the host's other traffic):
 *  - maps of published ports: `proto . port -> container addr . port` for every local address
 *    (ports4/ports6) and `host addr . proto . port -> …` for ports bound to one address;
 *  - nat_prerouting / nat_output: DNAT through those maps (output covers the host itself,
 *    including 127.0.0.1, which works because the bridge has route_localnet=1);
 *  - nat_postrouting: masquerade of outbound traffic, and of DNATed traffic that would otherwise
 *    come back with a source the client does not expect (from 127.0.0.0/8, or from the same
 *    network through the host's address — hairpin);
 *  - filter_forward: internal networks sealed, replies accepted, inter-container traffic per
 *    network (icc), published ports accepted, traffic between berth networks dropped, outbound
 *    accepted, other inbound dropped;
 *  - filter_input: nothing from a bridge to 127.0.0.0/8 (the loopback services of the host stay
 *    the host's, route_localnet notwithstanding); DNS on the gateway accepted from the network's bridge. An accept in this
 *    table cannot override a drop in another table (nftables runs every base chain), so a host
 *    firewall that drops input from the bridges still blocks the embedded DNS.
 */

export interface RenderedPorts {
  /** "proto . hostPort : containerIp . containerPort" per address family. */
  any4: string[];
  any6: string[];
  /** "hostIp . proto . hostPort : containerIp . containerPort". */
  host4: string[];
  host6: string[];
}

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const PROTOS: ReadonlySet<PortProto> = new Set(['tcp', 'udp', 'sctp']);

export function checkTableName(name: string): void {
  if (!TABLE_NAME.test(name)) throw new InvalidArgumentError(`invalid nftables table name ${JSON.stringify(name)}`);
}

function q(ifname: string): string {
  if (!IFNAME.test(ifname)) throw new InvalidArgumentError(`invalid bridge name ${JSON.stringify(ifname)}`);
  return `"${ifname}"`;
}

/** "10.1.0.0/24" -> family and the checked text. */
function subnet(cidr: string): { family: 4 | 6; text: string } {
  const [addr, len, ...rest] = cidr.split('/');
  const n = Number(len);
  if (rest.length === 0 && addr && len !== undefined && /^\d+$/.test(len)) {
    if (isIPv4(addr) && n <= 32) return { family: 4, text: `${addr}/${n}` };
    if (isIPv6(addr) && n <= 128) return { family: 6, text: `${addr}/${n}` };
  }
  throw new InvalidArgumentError(`invalid subnet ${JSON.stringify(cidr)}`);
}

function port(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`invalid port ${n}`);
  return n;
}

/** The map elements of all published ports. A key published twice keeps its first container (the manager refuses such a publish before it gets here). */
export function renderPorts(ports: FirewallPorts[]): RenderedPorts {
  const out: RenderedPorts = { any4: [], any6: [], host4: [], host6: [] };
  const seen = new Set<string>();
  const add = (list: string[], key: string, value: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    list.push(`${key} : ${value}`);
  };
  const sorted = [...ports].sort((a, b) => (a.containerId < b.containerId ? -1 : a.containerId > b.containerId ? 1 : 0));
  for (const p of sorted) {
    const ip4 = p.containerIp4 && isIPv4(p.containerIp4) ? p.containerIp4 : undefined;
    const ip6 = p.containerIp6 && isIPv6(p.containerIp6) ? p.containerIp6 : undefined;
    for (const m of p.mappings) {
      if (!PROTOS.has(m.proto)) throw new InvalidArgumentError(`invalid protocol ${JSON.stringify(m.proto)}`);
      const key = `${m.proto} . ${port(m.hostPort)}`;
      const cport = port(m.containerPort);
      const host = m.hostIp;
      // A v6 host address reaches only a container's v6 address: the kernel does not translate
      // between families, so a container without IPv6 is reachable through IPv4 only.
      if (host === '' || host === '0.0.0.0') {
        if (ip4) add(out.any4, `4 ${key}`, `${ip4} . ${cport}`);
      }
      if (host === '' || host === '::') {
        if (ip6) add(out.any6, `6 ${key}`, `${ip6} . ${cport}`);
      }
      if (host !== '' && host !== '0.0.0.0' && host !== '::') {
        if (isIPv4(host)) {
          if (ip4) add(out.host4, `${host} . ${key}`, `${ip4} . ${cport}`);
        } else if (isIPv6(host)) {
          if (ip6) add(out.host6, `${host} . ${key}`, `${ip6} . ${cport}`);
        } else {
          throw new InvalidArgumentError(`invalid host IP ${JSON.stringify(host)}`);
        }
      }
    }
  }
  // The family tag only kept the two wildcard maps' keys apart in `seen`.
  out.any4 = out.any4.map((e) => e.slice(2));
  out.any6 = out.any6.map((e) => e.slice(2));
  return out;
}

function map(name: string, type: string, elements: string[]): string[] {
  const lines = [`\tmap ${name} {`, `\t\ttype ${type}`];
  if (elements.length > 0) lines.push(`\t\telements = {\n\t\t\t${elements.join(',\n\t\t\t')}\n\t\t}`);
  lines.push('\t}');
  return lines;
}

/** The `table inet <name> { … }` block. */
export function renderTable(tableName: string, networks: FirewallNetwork[], ports: FirewallPorts[]): string {
  checkTableName(tableName);
  // Networks without a bridge (macvlan, ipvlan) bypass the host's stack: nothing to render.
  const nets = networks.filter((n) => n.bridgeName !== '').sort((a, b) => (a.bridgeName < b.bridgeName ? -1 : a.bridgeName > b.bridgeName ? 1 : 0));
  const bridges = [...new Set(nets.map((n) => q(n.bridgeName)))];
  const p = renderPorts(ports);

  const L: string[] = [`table inet ${tableName} {`];
  L.push('\tset bridges {', '\t\ttype ifname');
  if (bridges.length > 0) L.push(`\t\telements = { ${bridges.join(', ')} }`);
  L.push('\t}');
  L.push(...map('ports4', 'inet_proto . inet_service : ipv4_addr . inet_service', p.any4));
  L.push(...map('ports6', 'inet_proto . inet_service : ipv6_addr . inet_service', p.any6));
  L.push(...map('hostports4', 'ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service', p.host4));
  L.push(...map('hostports6', 'ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service', p.host6));

  // A map lookup that finds nothing ends the rule, so each DNAT rule is its own filter.
  const dnat = (v6Loopback: boolean): string[] => [
    // DNS to the gateway of the container's own network is the embedded resolver's, even when
    // some container publishes port 53 (that one stays reachable through every other address).
    ...(v6Loopback ? [] : ['\t\tiifname @bridges meta l4proto { tcp, udp } th dport 53 fib daddr . iif type local return']),
    '\t\tmeta nfproto ipv4 dnat ip to ip daddr . meta l4proto . th dport map @hostports4',
    '\t\tmeta nfproto ipv6 dnat ip6 to ip6 daddr . meta l4proto . th dport map @hostports6',
    '\t\tmeta nfproto ipv4 fib daddr type local dnat ip to meta l4proto . th dport map @ports4',
    // ::1 has no route_localnet counterpart: a DNATed ::1 packet could not leave the host.
    `\t\tmeta nfproto ipv6 ${v6Loopback ? 'ip6 daddr != ::1 ' : ''}fib daddr type local dnat ip6 to meta l4proto . th dport map @ports6`,
  ];
  L.push('\tchain nat_prerouting {', '\t\ttype nat hook prerouting priority dstnat; policy accept;', ...dnat(false), '\t}');
  // The output hook refuses the symbolic "dstnat" priority in nftables 1.0.6; -100 is its value.
  L.push('\tchain nat_output {', '\t\ttype nat hook output priority -100; policy accept;', ...dnat(true), '\t}');

  L.push('\tchain nat_postrouting {', '\t\ttype nat hook postrouting priority srcnat; policy accept;');
  for (const n of nets) {
    const b = q(n.bridgeName);
    for (const s of n.subnets.map(subnet)) {
      const ipx = s.family === 4 ? 'ip' : 'ip6';
      if (n.masquerade && !n.internal) L.push(`\t\t${ipx} saddr ${s.text} oifname != ${b} masquerade`);
      // Hairpin: a container reaching a published port of its own network through a host
      // address gets the gateway as source, so the reply comes back through the host's NAT.
      L.push(`\t\tct status dnat ${ipx} saddr ${s.text} oifname ${b} masquerade`);
    }
    // The host reaching 127.0.0.1:<port>: a loopback source cannot go out of the bridge.
    L.push(`\t\tct status dnat ip saddr 127.0.0.0/8 oifname ${b} masquerade`);
  }
  L.push('\t}');

  L.push('\tchain filter_forward {', '\t\ttype filter hook forward priority filter; policy accept;');
  for (const n of nets.filter((x) => x.internal)) {
    const b = q(n.bridgeName);
    L.push(`\t\tiifname ${b} oifname != ${b} drop`, `\t\toifname ${b} iifname != ${b} drop`);
  }
  L.push('\t\toifname @bridges ct state established,related accept');
  for (const n of nets) {
    const b = q(n.bridgeName);
    L.push(`\t\tiifname ${b} oifname ${b} ${n.icc ? 'accept' : 'drop'}`);
  }
  L.push(
    // Published ports are reachable from anywhere the host's address is, other networks included.
    '\t\toifname @bridges ct status dnat accept',
    '\t\tiifname @bridges oifname @bridges drop',
    '\t\tiifname @bridges accept',
    '\t\toifname @bridges drop',
    '\t}',
  );

  L.push(
    '\tchain filter_input {',
    '\t\ttype filter hook input priority filter; policy accept;',
    // route_localnet on the bridges (for DNAT of 127.0.0.1) would also let a container reach the
    // host's loopback-only services by sending to 127.0.0.1 through its gateway: drop that.
    // Replies to the host's own DNAT'd connections to 127.0.0.1:<port> come back this way.
    '\t\tiifname @bridges ip daddr 127.0.0.0/8 ct state established,related accept',
    '\t\tiifname @bridges ip daddr 127.0.0.0/8 drop',
    '\t\tiifname @bridges meta l4proto { tcp, udp } th dport 53 fib daddr type local accept',
    '\t}',
  );
  L.push('}');
  return L.join('\n') + '\n';
}

/**
 * The script that replaces the table atomically: declaring it first makes the delete valid
 * when it does not exist yet, and the kernel applies all three in one transaction.
 */
export function renderReplaceScript(tableName: string, networks: FirewallNetwork[], ports: FirewallPorts[]): string {
  const table = renderTable(tableName, networks, ports);
  return `table inet ${tableName} {}\ndelete table inet ${tableName}\n${table}`;
}
