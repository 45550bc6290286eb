/** One challenge of a WWW-Authenticate header: the scheme and its parameters (names lowercased). */
export interface AuthChallenge {
  /** "bearer" or "basic" (lowercased). */
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate header as registries send it (RFC 7235):
 * `Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"`.
 * Several challenges may share one header, separated by commas; quoted values may hold commas
 * and backslash escapes. Unparseable trailing text is ignored, not guessed at.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = (): void => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  let current: AuthChallenge | undefined;
  while (i < n) {
    skipSpace();
    if (header[i] === ',') {
      i++;
      continue;
    }
    const save = i;
    const name = token();
    if (!name) break;
    skipSpace();
    if (header[i] === '=' && current) {
      // A parameter of the current challenge.
      i++;
      skipSpace();
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++;
      } else {
        // Unquoted: up to the next comma or space (lenient: realms are often sent bare).
        const start = i;
        while (i < n && header[i] !== ',' && header[i] !== ' ' && header[i] !== '\t') i++;
        value = header.slice(start, i);
      }
      current.params[name.toLowerCase()] = value;
      continue;
    }
    if (header[i] === '=' && !current) break;
    // A new challenge: a scheme name followed by parameters (or a token68, which registries do not use).
    i = save + name.length;
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
  }
  return out;
}

/**
 * The challenge a client answers, out of a response's WWW-Authenticate header(s) as Node gives
 * them: Bearer when offered, else Basic; undefined when neither is.
 */
export function preferredChallenge(header: string | string[] | undefined): AuthChallenge | undefined {
  const all = parseWwwAuthenticate(Array.isArray(header) ? header.join(', ') : (header ?? ''));
  return all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
}
