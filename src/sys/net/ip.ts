import { InternalError } from '../../lib/errors/index.js';
import { execFile } from '../exec.js';

/**
 * berth's seam to iproute2. Several netlink operations go in ONE spawn through `ip -batch -`
 * (each spawn costs a few milliseconds, and a container start needs several operations).
 *
 * No `-force`: ip stops at the first failing line, so the caller learns exactly which line
 * failed and can undo what the earlier lines did. Lines before the failing one have taken
 * effect — a batch is not atomic.
 */

export interface IpOptions {
  /** Run inside the named network namespace (/run/netns/<netns>). */
  netns?: string;
}

/** A failed `ip` call: which batch line failed (1-based; 0 when unknown) and ip's own words. */
export class IpError extends InternalError {
  override readonly code: string = 'ERR_SYS_IP';
  constructor(
    /** ip's message without the "Error: " prefix and the "Command failed" trailer. */
    readonly detail: string,
    readonly line: number,
    readonly lineText: string,
    readonly netns?: string,
  ) {
    super(`ip${netns ? ` -n ${netns}` : ''}${lineText ? ` ${lineText}` : ''}: ${detail}`);
  }

  /** ENOENT-like failures: the device, address or route to change is not there. */
  get isAbsent(): boolean {
    return /Cannot find device|does not exist|No such device|No such process|Cannot assign requested address|not found/i.test(this.detail);
  }

  /** EEXIST-like failures: what is being added is there already. */
  get isExists(): boolean {
    return /File exists|already exists/i.test(this.detail);
  }
}

const IP = 'ip';
/** Queries are bounded: a host with thousands of links still answers well below this. */
const QUERY_LIMIT = 4 * 1024 * 1024;

function globalArgs(opts?: IpOptions): string[] {
  return opts?.netns ? ['-n', opts.netns] : [];
}

/** Rejects what would break the line-oriented batch protocol (ip splits lines on whitespace). */
function checkLine(line: string): void {
  if (/[\n\r\0]/.test(line)) throw new InternalError(`ip batch line contains a line break: ${JSON.stringify(line)}`);
}

/** Parses ip's stderr: the error text and the batch line number from "Command failed -:N". */
export function parseIpFailure(stderr: string): { detail: string; line: number } {
  const m = /Command failed -:(\d+)/.exec(stderr);
  const detail = stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^Command failed/.test(l))
    .map((l) => l.replace(/^Error: /, '').trim())
    .join('; ');
  return { detail: detail || stderr.trim() || 'unknown error', line: m ? Number(m[1]) : 0 };
}

/** Runs the lines (ip commands without the leading "ip") in one `ip -batch -`. */
export async function ipBatch(lines: string[], opts?: IpOptions): Promise<void> {
  if (lines.length === 0) return;
  for (const l of lines) checkLine(l);
  const r = await execFile(IP, [...globalArgs(opts), '-batch', '-'], { input: lines.join('\n') + '\n' });
  if (r.code === 0) return;
  const { detail, line } = parseIpFailure(r.stderr || r.stdout);
  throw new IpError(detail, line, line > 0 ? lines[line - 1] ?? '' : lines.join(' ; '), opts?.netns);
}

/** Runs one ip command (same errors as a one-line batch). */
export function ip(args: string[], opts?: IpOptions): Promise<void> {
  return ipBatch([args.join(' ')], opts);
}

/** A JSON query: `ip -j <args>` (link show, addr show, route show). */
export async function ipJson<T>(args: string[], opts?: IpOptions): Promise<T> {
  const r = await execFile(IP, [...globalArgs(opts), '-j', ...args]);
  if (r.code !== 0) {
    const { detail } = parseIpFailure(r.stderr || r.stdout);
    throw new IpError(detail, 0, args.join(' '), opts?.netns);
  }
  if (r.stdout.length >= QUERY_LIMIT) throw new InternalError(`ip -j ${args.join(' ')}: output over ${QUERY_LIMIT} bytes`);
  const text = r.stdout.trim();
  // ip prints nothing at all (not "[]") for some empty answers.
  return (text === '' ? [] : JSON.parse(text)) as T;
}

/** One link as `ip -j link show` reports it (the fields berth reads). */
export interface IpLink {
  ifindex: number;
  ifname: string;
  mtu?: number;
  address?: string;
  ifalias?: string;
  master?: string;
  operstate?: string;
  flags?: string[];
  link?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

/** One link with its addresses (`ip -j addr show`). */
export interface IpAddrLink extends IpLink {
  addr_info?: { family: 'inet' | 'inet6'; local: string; prefixlen: number; scope?: string }[];
}

/** The link by name, or undefined when it does not exist. */
export async function linkShow(name: string, opts?: IpOptions): Promise<IpLink | undefined> {
  try {
    const links = await ipJson<IpLink[]>(['-d', 'link', 'show', 'dev', name], opts);
    return links[0];
  } catch (e) {
    if (e instanceof IpError && e.isAbsent) return undefined;
    throw e;
  }
}

/** The link and its addresses by name, or undefined when it does not exist. */
export async function addrShow(name: string, opts?: IpOptions): Promise<IpAddrLink | undefined> {
  try {
    const links = await ipJson<IpAddrLink[]>(['-d', 'addr', 'show', 'dev', name], opts);
    return links[0];
  } catch (e) {
    if (e instanceof IpError && e.isAbsent) return undefined;
    throw e;
  }
}
