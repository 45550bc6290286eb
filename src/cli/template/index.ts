/**
 * Go text/template for `--format`, with docker's extra functions (json, join, split, upper,
 * lower, title, pad, truncate). Written here rather than using @ctrl/golang-template because
 * that library has no pipelines, no function registry (json, printf, eq, len) and no method
 * calls like `{{.Label "k"}}`, all of which docker formats rely on. It is loaded only when a
 * command gets --format.
 */
import { execute } from './exec.js';
import { FUNCS, type TemplateFunc } from './funcs.js';
import { parseTemplate, type Node } from './parse.js';
import type { MissingKey } from './exec.js';

export { TemplateError } from './lexer.js';

/** A parsed template, ready to render many rows. */
export interface Template {
  render(data: unknown): string;
}

/**
 * Parses a Go template. `\t` and `\n` written literally are turned into tab and newline, as the
 * docker CLI does for --format.
 * @throws {TemplateError} when the template is malformed.
 */
export function compileTemplate(source: string, options: { funcs?: Record<string, TemplateFunc>; missingKey?: MissingKey } = {}): Template {
  const nodes: Node[] = parseTemplate(source.replace(/\\t/g, '\t').replace(/\\n/g, '\n'));
  const funcs = { ...FUNCS, ...options.funcs };
  return { render: (data) => execute(nodes, data, funcs, options.missingKey) };
}
