import { InvalidArgumentError } from '../../lib/errors/index.js';
import { readFileInRoot } from './in-root.js';

/** The identity a container process runs as. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  /** From passwd; undefined when the user has no entry (numeric uid). */
  home?: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

const MAX_ID = 2 ** 31 - 1;

function parsePasswd(text: string | undefined): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 7) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, uid, gid, home: f[5]! });
  }
  return out;
}

function parseGroup(text: string | undefined): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 4) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, gid, members: f[3]!.split(',').filter(Boolean) });
  }
  return out;
}

/** A decimal id in range, or undefined when `s` is not purely digits (then it is a name). */
function numericId(s: string, what: string): number | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  // Refuse rather than wrap: an overflowed id must never become uid 0 (SEC-C7).
  if (!Number.isSafeInteger(n) || n > MAX_ID) throw new InvalidArgumentError(`invalid ${what} id: ${s}: value out of range`);
  return n;
}

/**
 * Resolves Docker's `--user` value ("", "name", "uid", "name:group", "uid:gid") and `--group-add`
 * against the rootfs' /etc/passwd and /etc/group. Supplementary groups are the user's groups from
 * /etc/group plus group-add, always including the primary gid (GHSA-rc4r-wh2q-q6c4).
 */
export function resolveUser(rootfs: string, user: string, groupAdd: string[] = []): ResolvedUser {
  const passwd = parsePasswd(readFileInRoot(rootfs, '/etc/passwd'));
  const groups = parseGroup(readFileInRoot(rootfs, '/etc/group'));
  const spec = user.trim();
  const colon = spec.indexOf(':');
  const userPart = colon < 0 ? spec : spec.slice(0, colon);
  const groupPart = colon < 0 ? undefined : spec.slice(colon + 1);
  if (colon >= 0 && (userPart === '' || groupPart === '')) {
    throw new InvalidArgumentError(`invalid user: ${JSON.stringify(user)}`);
  }

  let entry: PasswdEntry | undefined;
  let uid: number;
  if (userPart === '') {
    entry = passwd.find((p) => p.uid === 0);
    uid = 0;
  } else {
    const n = numericId(userPart, 'user');
    entry = n === undefined ? passwd.find((p) => p.name === userPart) : passwd.find((p) => p.uid === n);
    if (n === undefined && !entry) {
      throw new InvalidArgumentError(`unable to find user ${userPart}: no matching entries in passwd file`);
    }
    uid = n ?? entry!.uid;
  }

  const findGroup = (g: string): number => {
    const n = numericId(g, 'group');
    if (n !== undefined) return n;
    const found = groups.find((e) => e.name === g);
    if (!found) throw new InvalidArgumentError(`unable to find group ${g}: no matching entries in group file`);
    return found.gid;
  };

  const gid = groupPart !== undefined ? findGroup(groupPart) : (entry?.gid ?? 0);
  const additional = new Set<number>();
  // Docker only adds /etc/group memberships when no explicit group was given.
  if (entry && groupPart === undefined) {
    for (const g of groups) if (g.members.includes(entry.name)) additional.add(g.gid);
  }
  for (const g of groupAdd) additional.add(findGroup(g));
  additional.add(gid);
  return { uid, gid, additionalGids: [...additional].sort((a, b) => a - b), home: entry?.home };
}
