import { InvalidArgumentError } from '../../lib/errors/index.js';
import { IpError, ipBatch, type IpOptions } from '../../sys/net/ip.js';

/** Link helpers every driver uses. */

/** Deletes a link (in a namespace when given); an absent one is fine. */
export async function deleteLink(name: string, opts?: IpOptions): Promise<void> {
  try {
    await ipBatch([`link del ${name}`], opts);
  } catch (e) {
    if (!isGone(e)) throw e;
  }
}

/** Absent device or namespace: what a delete may find and ignore. */
export function isGone(e: unknown): boolean {
  return e instanceof IpError && (e.isAbsent || /Cannot open network namespace|No such file or directory/.test(e.detail));
}

/** Interface names are at most 15 bytes and must not break an ip batch line. */
export function checkIfname(name: string, what: string): void {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name) || name === '.' || name === '..') {
    throw new InvalidArgumentError(`invalid ${what} ${JSON.stringify(name)}: at most 15 characters of letters, digits, '_', '-', '.'`);
  }
}
