import { InstructionError } from './errors.js';
import { splitFirstGap, trimSpace, WORD_GAP } from './text.js';
import type { KeyValue } from './types.js';
import { extractBuilderFlags, parseJsonArray, parseWords } from './words.js';

/**
 * The faults Docker finds while it first cuts each line into a node, before any instruction is
 * typed: a JSON array of non-strings, an ENV or LABEL pair without `=`, a legacy pair without a
 * value; for ONBUILD, the same in its trigger. Docker reports them in line order ahead of the
 * instruction-level faults of later lines, so the first stage of parsing checks them as it goes.
 */
export function checkLineCut(line: string, escapeToken: string): void {
  const [keyword, rest] = splitFirstGap(trimSpace(line));
  const args = rest === undefined ? '' : trimSpace(extractBuilderFlags(rest).rest);
  const kw = keyword.toUpperCase();
  switch (kw) {
    case 'ENV':
    case 'LABEL':
      splitKeyValues(args, kw, escapeToken, () => undefined);
      break;
    case 'RUN': case 'CMD': case 'ENTRYPOINT': case 'SHELL': case 'ADD': case 'COPY': case 'VOLUME':
      parseJsonArray(args);
      break;
    case 'HEALTHCHECK': {
      const gap = WORD_GAP.exec(args);
      if (gap) parseJsonArray(args.slice(gap.index + gap[0].length));
      break;
    }
    case 'ONBUILD':
      if (args !== '') checkLineCut(args, escapeToken);
      break;
  }
}

/**
 * ENV and LABEL pairs as Docker cuts them: `k=v k2=v2 ...` (each word split at its first `=`), or
 * the legacy `KEY value` form when the first word has no `=` (the rest of the line is the value;
 * `legacy` is told). No words gives no pairs.
 */
export function splitKeyValues(args: string, keyword: string, escapeToken: string, legacy: (keyword: string) => void): KeyValue[] {
  const words = parseWords(args, escapeToken);
  if (words.length === 0) return [];
  if (!words[0].includes('=')) {
    const [key, value] = splitFirstGap(args);
    if (value === undefined) throw new InstructionError(`${keyword} must have two arguments`);
    legacy(keyword);
    return [{ key, value }];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) throw new InstructionError(`Syntax error - can't find = in ${JSON.stringify(word)}. Must be of the form: name=value`);
    return { key: word.slice(0, eq), value: word.slice(eq + 1) };
  });
}
