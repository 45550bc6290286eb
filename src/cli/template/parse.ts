import { lex, TemplateError, type Location, type Token } from './lexer.js';

/**
 * An argument of a command: a literal, a field chain, a variable, a function name or a group.
 * `at` is where Go reports an error in it: a chain `.A.B` is placed at its second link.
 */
export type Operand = { at?: Location } & (
  | { kind: 'field'; fields: string[] }
  | { kind: 'variable'; name: string; fields: string[] }
  | { kind: 'ident'; name: string }
  | { kind: 'literal'; value: unknown }
  | { kind: 'group'; pipe: Pipeline; fields: string[] });

/** The operand as Go prints a node in an error (`.Config.Labels`, `$x.A`, `"s"`). */
export function operandText(op: Operand): string {
  switch (op.kind) {
    case 'field': return op.fields.length ? op.fields.map((f) => `.${f}`).join('') : '.';
    case 'variable': return `$${op.name}${op.fields.map((f) => `.${f}`).join('')}`;
    case 'ident': return op.name;
    case 'literal': return typeof op.value === 'string' ? JSON.stringify(op.value) : op.value === null ? 'nil' : String(op.value);
    case 'group': return `(${op.pipe.commands.map((c) => c.map(operandText).join(' ')).join(' | ')})${op.fields.map((f) => `.${f}`).join('')}`;
  }
}

/** Go's position of a chain: its second link when there is one, else its start. */
function chainAt(t: Token, headLength: number, fields: string[]): Location | undefined {
  if (!t.at) return undefined;
  return fields.length > (t.type === 'field' ? 1 : 0) ? { line: t.at.line, col: t.at.col + headLength } : t.at;
}

/** `a b c | d e`: commands joined by pipes, optionally declaring variables (`$x := ...`). */
export interface Pipeline {
  decl: string[];
  assign: boolean;
  commands: Operand[][];
}

/** A node of the parsed template. */
export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if' | 'with' | 'range'; pipe: Pipeline; body: Node[]; otherwise: Node[] }
  | { kind: 'break' | 'continue' };

/** Parses a template into a node list. @throws {TemplateError} on malformed input. */
export function parseTemplate(src: string): Node[] {
  const pieces = lex(src);
  let pos = 0;

  // Parses nodes until one of the `stops` keywords; returns the keyword action found.
  const parseList = (stops: string[]): { nodes: Node[]; stop?: Token[] } => {
    const nodes: Node[] = [];
    while (pos < pieces.length) {
      const p = pieces[pos++]!;
      if (p.kind === 'text') { nodes.push({ kind: 'text', text: p.text }); continue; }
      const [head, ...rest] = p.tokens;
      const word = head?.type === 'ident' ? head.value : '';
      if (stops.includes(word)) return { nodes, stop: p.tokens };
      switch (word) {
        case 'if': case 'with': case 'range':
          nodes.push(parseBlock(word, rest));
          break;
        case 'break': case 'continue':
          nodes.push({ kind: word });
          break;
        case 'end': case 'else':
          throw new TemplateError(`unexpected {{${word}}}`);
        case 'define': case 'template': case 'block':
          throw new TemplateError(`{{${word}}} is not supported`);
        default:
          nodes.push({ kind: 'action', pipe: parsePipeline(p.tokens) });
      }
    }
    if (stops.length) throw new TemplateError('unexpected EOF');
    return { nodes };
  };

  const parseBlock = (kind: 'if' | 'with' | 'range', tokens: Token[]): Node => {
    const pipe = parsePipeline(tokens);
    const body = parseList(['else', 'end']);
    let otherwise: Node[] = [];
    if (body.stop?.[0]?.type === 'ident' && body.stop[0].value === 'else') {
      const after = body.stop.slice(1);
      if (after[0]?.type === 'ident' && (after[0].value === 'if' || after[0].value === 'with')) {
        // `else if` chains: the nested block consumes the single shared {{end}}
        otherwise = [parseBlock(after[0].value, after.slice(1))];
      } else {
        otherwise = parseList(['end']).nodes;
      }
    }
    return { kind, pipe, body: body.nodes, otherwise };
  };

  return parseList([]).nodes;
}

/** Parses the tokens of one action into a pipeline. */
export function parsePipeline(tokens: Token[]): Pipeline {
  let i = 0;
  const decl: string[] = [];
  let assign = false;
  // `$x :=`, `$i, $v :=` or `$x =`
  const declEnd = tokens.findIndex((t) => t.type === 'declare' || t.type === 'assign');
  if (declEnd > 0 && tokens.slice(0, declEnd).every((t) => t.type === 'variable' || t.type === 'comma')) {
    for (const t of tokens.slice(0, declEnd)) if (t.type === 'variable') decl.push(t.value);
    assign = tokens[declEnd]!.type === 'assign';
    i = declEnd + 1;
  }
  const parseGroup = (): { pipe: Pipeline; fields: string[] } => {
    let depth = 1;
    const start = i;
    for (; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.type === 'lparen') depth++;
      if (t.type === 'rparen' && --depth === 0) break;
    }
    if (i >= tokens.length) throw new TemplateError('unclosed left paren');
    const close = tokens[i] as Extract<Token, { type: 'rparen' }>;
    const inner = parsePipeline(tokens.slice(start, i));
    i++;
    return { pipe: inner, fields: close.fields };
  };
  const commands: Operand[][] = [];
  let current: Operand[] = [];
  while (i < tokens.length) {
    const t = tokens[i++]!;
    switch (t.type) {
      case 'pipe':
        if (!current.length) throw new TemplateError('missing command before pipe');
        commands.push(current);
        current = [];
        break;
      case 'lparen': current.push({ kind: 'group', ...parseGroup() }); break;
      case 'field': current.push({ kind: 'field', fields: t.value, at: chainAt(t, 1 + (t.value[0]?.length ?? 0), t.value) }); break;
      case 'variable': current.push({ kind: 'variable', name: t.value, fields: t.fields, at: chainAt(t, 1 + t.value.length, t.fields) }); break;
      case 'ident': current.push({ kind: 'ident', name: t.value, at: t.at }); break;
      case 'string': case 'number': case 'bool': current.push({ kind: 'literal', value: t.value, at: t.at }); break;
      case 'nil': current.push({ kind: 'literal', value: null, at: t.at }); break;
      default: throw new TemplateError(`unexpected ${t.type} in operand`);
    }
  }
  if (current.length) commands.push(current);
  if (!commands.length) throw new TemplateError('missing value for command');
  return { decl, assign, commands };
}
