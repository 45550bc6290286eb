import { InvalidArgumentError } from '../../lib/errors/index.js';

const PATH_MAX = 4096;

/** A path inside a container, split the way the archive endpoints need it. */
export interface ContainerPath {
  /** Absolute, cleaned ("." and empty components gone, ".." applied, never above "/"). */
  clean: string;
  /** Components of `clean`. */
  parts: string[];
  /**
   * The request named a directory explicitly (a trailing "/" or "/."): its last component is
   * followed if it is a symlink, and it must be a directory.
   */
  asDir: boolean;
  /** It ended in "/.": a copy out takes the directory's contents, not the directory. */
  contentsOnly: boolean;
}

/**
 * Parses the `path` of an archive request. Relative paths start at the root, as Docker's do (the
 * CLI makes them absolute against the working dir itself). ".." can never climb above the root:
 * it is resolved lexically here, and the kernel confines every later lookup anyway.
 */
export function parseContainerPath(raw: string): ContainerPath {
  if (raw === '') throw new InvalidArgumentError('path cannot be empty');
  if (raw.includes('\0')) throw new InvalidArgumentError('invalid path: contains a NUL byte');
  if (Buffer.byteLength(raw) > PATH_MAX) throw new InvalidArgumentError('invalid path: file name too long');
  const parts: string[] = [];
  for (const p of raw.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') { parts.pop(); continue; }
    if (Buffer.byteLength(p) > 255) throw new InvalidArgumentError('invalid path: file name too long');
    parts.push(p);
  }
  const contentsOnly = raw === '.' || raw.endsWith('/.');
  const asDir = contentsOnly || raw.endsWith('/') || parts.length === 0;
  return { clean: '/' + parts.join('/'), parts, asDir, contentsOnly };
}

/** The name Docker gives the top entry of a copied path: its last component, or "." for contents and the root. */
export function archiveBaseName(p: ContainerPath): string {
  if (p.contentsOnly || p.parts.length === 0) return '.';
  return p.parts[p.parts.length - 1]!;
}
