import { InternalError } from '../../lib/errors/index.js';
import { execFile } from '../exec.js';

/**
 * berth's seam to nftables: a script goes to `nft -f -` on stdin, which the kernel applies as
 * ONE transaction — all of it or nothing — so a ruleset is never seen half-changed.
 */

/** A refused nft script, with nft's own diagnostics (they quote the offending line). */
export class NftError extends InternalError {
  override readonly code: string = 'ERR_SYS_NFT';
  constructor(readonly detail: string) {
    super(`nft: ${detail}`);
  }
}

const NFT = 'nft';
const LIST_LIMIT = 8 * 1024 * 1024;

export async function nftApply(script: string): Promise<void> {
  const r = await execFile(NFT, ['-f', '-'], { input: script });
  if (r.code !== 0) throw new NftError((r.stderr || r.stdout).trim() || `exit status ${r.code}`);
}

/** `nft list table <family> <name>` as text, or undefined when the table does not exist. */
export async function nftList(table: string, family = 'inet'): Promise<string | undefined> {
  const r = await execFile(NFT, ['list', 'table', family, table]);
  if (r.code !== 0) {
    if (/No such file or directory/.test(r.stderr)) return undefined;
    throw new NftError((r.stderr || r.stdout).trim());
  }
  if (r.stdout.length >= LIST_LIMIT) throw new NftError(`list table ${family} ${table}: output over ${LIST_LIMIT} bytes`);
  return r.stdout;
}

/** Deletes the table when it exists (one transaction: declare, then delete). */
export async function nftDeleteTable(table: string, family = 'inet'): Promise<void> {
  await nftApply(`table ${family} ${table} {}\ndelete table ${family} ${table}\n`);
}
