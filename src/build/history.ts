/**
 * The history entries' `created_by`, written as Docker's classic builder writes them, so that
 * `docker history` of a berth-built image reads like one Docker built: the shell, then
 * `#(nop) ` and the instruction for metadata steps, the command itself for RUN.
 */

/** Go's `%q` of a string: double-quoted, with Go's escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** Go's `%q` of a string slice: `["a" "b"]`. */
export function goQuoteList(list: string[]): string {
  return `[${list.map(goQuote).join(' ')}]`;
}

/**
 * A metadata step (CMD, ENV, LABEL …): Docker appends the element "#(nop) " and the comment to
 * the shell, and joins with spaces, hence two spaces after `#(nop)`.
 */
export function metadataCreatedBy(shell: string[], comment: string): string {
  return [...shell, '#(nop) ', comment].join(' ');
}

/** WORKDIR and COPY/ADD put `#(nop) ` and the comment in one element: one space. */
export function nopCreatedBy(shell: string[], comment: string): string {
  return [...shell, `#(nop) ${comment}`].join(' ');
}

/**
 * A RUN step: the command line, prefixed with `|<n> K=v …` when build args reach it (sorted, as
 * Docker does), so that the entry also tells what the cache keyed it on.
 */
export function runCreatedBy(cmdLine: string[], buildArgs: string[]): string {
  if (buildArgs.length === 0) return cmdLine.join(' ');
  const sorted = [...buildArgs].sort();
  return [`|${sorted.length}`, ...sorted, ...cmdLine].join(' ');
}

/** COPY/ADD: `COPY file:<hash> in /dest `, with `dir:` for one directory and `multi:` for several sources. */
export function copyCreatedBy(shell: string[], kind: 'COPY' | 'ADD', sourceKind: 'file' | 'dir' | 'multi', hash: string, dest: string): string {
  return nopCreatedBy(shell, `${kind} ${sourceKind}:${hash} in ${dest} `);
}
