import { DockerfileParseError, InstructionError } from './errors.js';
import { chompHeredocContent, heredocsFromLine } from './heredoc.js';
import { checkLineCut } from './line-cut.js';
import { parseJsonArray, extractBuilderFlags } from './words.js';
import { splitFirstGap, trimLeftSpace, trimSpace } from './text.js';
import type { Heredoc, SourceRange } from './types.js';

/**
 * Stage one of parsing: the text becomes a list of raw instructions. It reads the parser
 * directives at the top, strips a byte order mark, drops comments and blank lines, joins
 * continued lines (skipping comment and empty lines inside them, as Docker does, with a warning
 * for the empty ones), and reads the bodies of heredocs opened by RUN, COPY and ADD.
 */

/** One instruction before typing: keyword, `--flags`, the rest of its arguments. */
export interface RawInstruction {
  /** The keyword as written. */
  keyword: string;
  /** Leading `--flag[=value]` words, quotes removed. */
  flags: string[];
  /** The arguments after the flags, trimmed. */
  args: string;
  /** The whole instruction line, continuations joined. */
  original: string;
  range: SourceRange;
  heredocs: Heredoc[];
}

export interface SplitResult {
  directives: Record<string, string>;
  escapeToken: '\\' | '`';
  instructions: RawInstruction[];
  warnings: string[];
}

// Go's `\s` (the regexp Docker uses) is [\t\n\f\r ], narrower than JavaScript's.
const DIRECTIVE = /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const HEREDOC_KEYWORDS = new Set(['run', 'copy', 'add']);
const MAX_LINE_BYTES = 64 * 1024;

export function splitInstructions(text: string): SplitResult {
  const lines = toLines(text);
  const { directives, escapeToken } = readDirectives(lines);
  // An escape token at the end of a line (blanks after it allowed) continues the instruction,
  // unless another escape token escapes it: `c:\\` ends the line, as Docker reads it.
  const esc = escapeToken === '\\' ? '\\\\' : '`';
  const continuation = new RegExp(`(^|[^${esc}])${esc}[ \\t]*$`);
  const trimContinuation = (line: string): [string, boolean] => {
    const m = continuation.exec(line);
    return m ? [line.slice(0, m.index + m[1].length), false] : [line, true];
  };

  const instructions: RawInstruction[] = [];
  const warnings: string[] = [];
  let n = 0;
  while (n < lines.length) {
    const first = trimLeftSpace(trimNewline(lines[n]));
    n++;
    const startLine = n;
    let [line, ended] = trimContinuation(isComment(first) ? '' : first);
    if (ended && line === '') continue;

    let emptyContinuation = false;
    while (!ended && n < lines.length) {
      const raw = trimNewline(lines[n]);
      n++;
      if (isComment(raw)) continue;
      if (trimLeftSpace(raw) === '') {
        emptyContinuation = true;
        continue;
      }
      let part: string;
      [part, ended] = trimContinuation(raw);
      line += part;
    }
    if (emptyContinuation) {
      warnings.push(`line ${n}: Empty continuation line found in: ${line} (empty continuation lines will become errors in a future release)`);
    }
    if (trimSpace(line) === '') continue;

    const [keyword, rest] = splitFirstGap(trimSpace(line));
    let flags: string[] = [];
    let args = '';
    if (rest !== undefined) {
      const extracted = extractBuilderFlags(rest);
      flags = extracted.flags;
      args = trimSpace(extracted.rest);
    }
    const instruction: RawInstruction = { keyword, flags, args, original: line, range: { line: startLine, endLine: n }, heredocs: [] };
    try {
      checkLineCut(line, escapeToken);
    } catch (err) {
      if (err instanceof InstructionError) throw new DockerfileParseError(startLine, err.message, { cause: err });
      throw err;
    }

    if (line.includes('<<') && mayHaveHeredocs(keyword, args, startLine)) {
      for (const doc of heredocsFromLine(line)) {
        let content = '';
        let terminated = false;
        while (n < lines.length) {
          const raw = lines[n];
          n++;
          let candidate = trimNewline(raw);
          if (doc.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === doc.name) {
            terminated = true;
            break;
          }
          content += raw.endsWith('\n') ? raw : raw + '\n';
        }
        if (!terminated) throw new DockerfileParseError(startLine, `unterminated heredoc ${doc.name} (opened on line ${startLine}, file ends on line ${n})`);
        instruction.heredocs.push({ ...doc, content: doc.chomp ? chompHeredocContent(content) : content });
      }
      instruction.range.endLine = n;
    }
    instructions.push(instruction);
  }
  return { directives, escapeToken, instructions, warnings };
}

/**
 * Lines with their "\n" kept (the last may lack it), so heredoc bodies keep the file's own line
 * ends as Docker keeps them. A leading byte order mark goes.
 */
function toLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = body.indexOf('\n', start);
    const line = body.slice(start, nl < 0 ? body.length : nl + 1);
    if (line !== '') {
      // Docker reads lines into a 64 KiB buffer and refuses longer ones.
      if (line.length > MAX_LINE_BYTES / 3 && Buffer.byteLength(line) > MAX_LINE_BYTES) {
        throw new DockerfileParseError(lines.length + 1, `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES - 1}`);
      }
      lines.push(line);
    }
    if (nl < 0) return lines;
    start = nl + 1;
  }
}

function trimNewline(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}

function isComment(line: string): boolean {
  return trimLeftSpace(line).startsWith('#');
}

/**
 * Parser directives: `# key=value` lines at the very top; the first line that is not a known
 * directive (a comment, a blank line, an instruction) ends them. Keys are case-insensitive and
 * may appear once.
 */
function readDirectives(lines: string[]): { directives: Record<string, string>; escapeToken: '\\' | '`' } {
  const directives: Record<string, string> = {};
  let escapeToken: '\\' | '`' = '\\';
  for (let i = 0; i < lines.length; i++) {
    const m = DIRECTIVE.exec(trimLeftSpace(trimNewline(lines[i])));
    if (!m) break;
    const key = m[1].toLowerCase();
    if (!KNOWN_DIRECTIVES.has(key)) break;
    if (key in directives) throw new DockerfileParseError(i + 1, `only one ${key} parser directive can be used`);
    const value = m[2];
    if (key === 'escape') {
      if (value !== '\\' && value !== '`') throw new DockerfileParseError(i + 1, `invalid escape token '${value}' does not match \` or \\`);
      escapeToken = value;
    }
    directives[key] = value;
  }
  return { directives, escapeToken };
}

/**
 * Whether an instruction may carry heredocs: RUN, COPY and ADD in shell form, also as an ONBUILD
 * trigger. The exec (JSON) form never does.
 */
function mayHaveHeredocs(keyword: string, args: string, line: number): boolean {
  let kw = keyword.toLowerCase();
  let rest = args;
  if (kw === 'onbuild') {
    const [sub, subRest] = splitFirstGap(args);
    kw = sub.toLowerCase();
    rest = subRest === undefined ? '' : trimSpace(extractBuilderFlags(subRest).rest);
  }
  if (!HEREDOC_KEYWORDS.has(kw)) return false;
  try {
    return parseJsonArray(rest) === undefined;
  } catch (err) {
    if (err instanceof InstructionError) throw new DockerfileParseError(line, err.message);
    throw err;
  }
}
