import dockerignore from '@balena/dockerignore';

// A CommonJS module whose typings describe its `default` member (which it sets to itself).
const ignore = dockerignore.default;

/**
 * `.dockerignore` rules as Docker applies them to a build context, shared by the CLI (which
 * leaves ignored files out of the context it sends) and the daemon (which applies them again to
 * contexts from other clients). Paths are relative to the context root, "/"-separated.
 */
export class DockerIgnore {
  readonly #matcher;
  /** Whether a `!` exception exists: an ignored directory must then still be walked. */
  readonly hasExceptions: boolean;

  constructor(readonly patterns: string[]) {
    this.#matcher = ignore().add(patterns);
    this.hasExceptions = patterns.some((p) => p.trim().startsWith('!'));
  }

  /** Reads the file's text: one pattern a line, `#` comments and blank lines skipped. */
  static parse(text: string): DockerIgnore {
    const patterns = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    return new DockerIgnore(patterns);
  }

  ignores(path: string): boolean {
    const clean = path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
    if (clean === '' || clean === '.') return false;
    return this.#matcher.ignores(clean);
  }
}

/**
 * The ignore files to try for a Dockerfile, first found wins: `<Dockerfile>.dockerignore` beside
 * the Dockerfile, then `.dockerignore` at the context root.
 */
export function ignoreFileCandidates(dockerfile: string): string[] {
  const clean = dockerfile.replace(/^\.?\/+/, '');
  return [`${clean}.dockerignore`, '.dockerignore'];
}
