/**
 * Tokenizer for the subset of Go's text/template that docker --format users write.
 * A template is text interleaved with actions `{{ ... }}`; `{{-` and `-}}` trim the
 * whitespace next to them, `{{/* ... *\/}}` is a comment.
 */

/** Where a token starts in the template, as Go reports it: line from 1, column from 0. */
export interface Location {
  line: number;
  col: number;
}

/** One token inside an action, with its offset in the action (`pos`) and its place in the template. */
export type Token = { pos?: number; at?: Location } & (
  | { type: 'field'; value: string[] } // .A.B → ['A','B']; '.' alone → []
  | { type: 'variable'; value: string; fields: string[] } // $x.A → 'x', ['A']; '$' → ''
  | { type: 'ident'; value: string }
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'nil' }
  | { type: 'pipe' }
  | { type: 'lparen' }
  | { type: 'rparen'; fields: string[] } // ).A.B chains a field access on the group
  | { type: 'declare' } // :=
  | { type: 'assign' } // =
  | { type: 'comma' });

/** A piece of a template: literal text, or the tokens of one action. */
export type Piece = { kind: 'text'; text: string } | { kind: 'action'; tokens: Token[]; source: string };

/** Raised for malformed templates, with Go's `template: ...` flavour. */
export class TemplateError extends Error {
  /** Whether the template failed to parse or failed while rendering data. */
  readonly phase: 'parse' | 'execute';
  /** The error without Go's prefix. */
  readonly reason: string;
  /** Whether the message already names the place in the template that failed. */
  readonly located: boolean;
  constructor(message: string, phase: 'parse' | 'execute' = 'parse', at?: Location & { node: string }) {
    super(phase === 'parse' ? `template: :1: ${message}`
      : at ? `template: :${at.line}:${at.col}: executing "" at <${at.node}>: ${message}`
      : `template: :1: executing "": ${message}`);
    this.name = 'TemplateError';
    this.phase = phase;
    this.reason = message;
    this.located = at !== undefined;
  }
}

/** Line (from 1) and column (from 0) of an offset in `src`. */
function locate(src: string, offset: number): Location {
  const before = src.slice(0, offset);
  const nl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, col: offset - (nl + 1) };
}

/** Splits a template into text and action pieces, applying trim markers. */
export function lex(src: string): Piece[] {
  const pieces: Piece[] = [];
  let pos = 0;
  while (pos < src.length) {
    const open = src.indexOf('{{', pos);
    if (open < 0) { pieces.push({ kind: 'text', text: src.slice(pos) }); break; }
    let text = src.slice(pos, open);
    let start = open + 2;
    if (src.startsWith('- ', start) || src.startsWith('-\t', start) || src.startsWith('-\n', start)) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) pieces.push({ kind: 'text', text });
    const close = findClose(src, start);
    if (close < 0) throw new TemplateError('unclosed action');
    let end = close;
    let trimRight = false;
    if (src[close - 1] === '-' && /\s/.test(src[close - 2] ?? '')) { end = close - 1; trimRight = true; }
    const rawBody = src.slice(start, end);
    const body = rawBody.trim();
    const bodyOffset = start + (rawBody.length - rawBody.trimStart().length);
    pos = close + 2;
    if (trimRight) while (pos < src.length && /\s/.test(src[pos]!)) pos++;
    if (body.startsWith('/*')) continue;
    const tokens = tokenize(body).map((t) => ({ ...t, at: locate(src, bodyOffset + (t.pos ?? 0)) }));
    pieces.push({ kind: 'action', tokens, source: body });
  }
  return pieces;
}

/** Finds the `}}` ending an action, skipping over quoted strings. */
function findClose(src: string, from: number): number {
  let i = from;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' || c === '`') {
      const q = c;
      i++;
      while (i < src.length && src[i] !== q) i += src[i] === '\\' && q === '"' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '}' && src[i + 1] === '}') return i;
    i++;
  }
  return -1;
}

const IDENT = /[A-Za-z0-9_]/;

function readFields(s: string, i: number): { fields: string[]; next: number } {
  const fields: string[] = [];
  while (s[i] === '.' && IDENT.test(s[i + 1] ?? '')) {
    let j = i + 1;
    while (j < s.length && IDENT.test(s[j]!)) j++;
    fields.push(s.slice(i + 1, j));
    i = j;
  }
  return { fields, next: i };
}

/** Tokenizes the inside of one action. */
export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '|') { out.push({ pos: i, type: 'pipe' }); i++; continue; }
    if (c === '(') { out.push({ pos: i, type: 'lparen' }); i++; continue; }
    if (c === ')') {
      const { fields, next } = readFields(s, i + 1);
      out.push({ pos: i, type: 'rparen', fields });
      i = next;
      continue;
    }
    if (c === ',') { out.push({ pos: i, type: 'comma' }); i++; continue; }
    if (c === ':' && s[i + 1] === '=') { out.push({ pos: i, type: 'declare' }); i += 2; continue; }
    if (c === '=') { out.push({ pos: i, type: 'assign' }); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) throw new TemplateError('unterminated quoted string');
      out.push({ pos: i, type: 'string', value: JSON.parse(s.slice(i, j + 1)) as string });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError('unterminated raw quoted string');
      out.push({ pos: i, type: 'string', value: s.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    if (c === '.') {
      if (!IDENT.test(s[i + 1] ?? '')) { out.push({ pos: i, type: 'field', value: [] }); i++; continue; }
      const { fields, next } = readFields(s, i);
      out.push({ pos: i, type: 'field', value: fields });
      i = next;
      continue;
    }
    if (c === '$') {
      let j = i + 1;
      while (j < s.length && IDENT.test(s[j]!)) j++;
      const name = s.slice(i + 1, j);
      const { fields, next } = readFields(s, j);
      out.push({ pos: i, type: 'variable', value: name, fields });
      i = next;
      continue;
    }
    if (/[-+0-9]/.test(c)) {
      const m = /^[-+]?(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(e[-+]?[0-9]+)?)/.exec(s.slice(i));
      if (m) { out.push({ pos: i, type: 'number', value: Number(m[0]) }); i += m[0].length; continue; }
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < s.length && IDENT.test(s[j]!)) j++;
      const word = s.slice(i, j);
      if (word === 'true' || word === 'false') out.push({ pos: i, type: 'bool', value: word === 'true' });
      else if (word === 'nil') out.push({ pos: i, type: 'nil' });
      else out.push({ pos: i, type: 'ident', value: word });
      i = j;
      continue;
    }
    throw new TemplateError(`unexpected "${c}" in command`);
  }
  return out;
}
