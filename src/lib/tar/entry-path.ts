import { InvalidArgumentError } from '../errors/index.js';

/** Longest path and path component Linux accepts (PATH_MAX, NAME_MAX). */
export const PATH_MAX = 4096;
export const NAME_MAX = 255;

/**
 * Turns a tar entry name into clean components relative to the extraction root.
 *
 * A leading "/" is dropped (absolute names land under the root, as go-archive does) and "." and
 * empty components vanish. ".." may only cancel an earlier component: a name that would climb
 * above the root is a breakout attempt and is refused, never silently clamped, so a hostile layer
 * fails loudly instead of writing somewhere unexpected.
 */
export function cleanEntryPath(name: string): string[] {
  if (name.includes('\0')) throw new InvalidArgumentError(`invalid tar entry name ${JSON.stringify(name)}: contains NUL`);
  if (name.length > PATH_MAX) throw new InvalidArgumentError(`invalid tar entry name: longer than ${PATH_MAX} bytes`);
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw new InvalidArgumentError(`invalid tar entry name ${JSON.stringify(name)}: breakout of the extraction root`);
      out.pop();
      continue;
    }
    if (Buffer.byteLength(part) > NAME_MAX) throw new InvalidArgumentError(`invalid tar entry name: component longer than ${NAME_MAX} bytes`);
    out.push(part);
  }
  return out;
}
