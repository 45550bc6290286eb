import type { CliContext } from '../context.js';
import { alignTable } from './table.js';

/** How a listing renders one row: its default-table fields, and the header for each field. */
export interface ListFormat<Row> {
  /** The default format (`table {{.ID}}\t...`) used when --format is absent. */
  defaultFormat: string;
  /** Column header of each field a format may name (`ID` → `CONTAINER ID`). */
  headers: Record<string, string>;
  rows: Row[];
  /** Words docker puts before template errors: `ps` differs from the other listings. */
  errorPrefixes?: { parse: string; execute: string };
}

const DEFAULT_PREFIXES = { parse: 'template parsing error: ', execute: 'template parsing error: ' };

/**
 * Writes rows through a Go template: a `table` format gets a header row and aligned columns,
 * any other format one rendered line per row, `json` one JSON object per row. The template
 * engine is imported only here, so listings without --format stay cheap when they use
 * {@link writeFixedTable} instead.
 */
export async function writeFormatted<Row extends object>(ctx: CliContext, format: string, list: ListFormat<Row>): Promise<void> {
  const { compileTemplate, TemplateError } = await import('../template/index.js');
  const prefixes = list.errorPrefixes ?? DEFAULT_PREFIXES;
  const prefixed = (err: unknown): unknown =>
    (err instanceof TemplateError ? new Error(`${err.phase === 'parse' ? prefixes.parse : prefixes.execute}${err.message}`) : err);
  let source = format || list.defaultFormat;
  if (source === 'json') source = '{{json .}}';
  const isTable = source.startsWith('table');
  if (isTable) source = source.slice('table'.length).trim() || list.defaultFormat.slice('table'.length).trim();
  let tmpl;
  try {
    tmpl = compileTemplate(source, { missingKey: 'field' });
  } catch (err) {
    throw prefixed(err);
  }
  const lines: string[] = [];
  try {
    if (isTable) lines.push(tmpl.render(headerRow(list.headers)));
    for (const row of list.rows) lines.push(tmpl.render(row));
  } catch (err) {
    throw prefixed(err);
  }
  const text = lines.join('\n');
  ctx.out(isTable ? `${alignTable(text)}\n` : text ? `${text}\n` : '');
}

/** The object a table's header row renders from: every field yields its column title. */
function headerRow(headers: Record<string, string>): Record<string, unknown> {
  return new Proxy({} as Record<string, unknown>, {
      has: (_t, key) => typeof key === 'string' && key !== 'toJSON',
      get: (_t, key) => {
        if (typeof key !== 'string') return undefined;
        const h = headers[key] ?? key.toUpperCase();
        // `.Label "k"` heads its column with the label's key, as docker does
        return key === 'Label' ? (name: string) => name : h;
      },
  });
}

/** Writes pre-rendered tab-separated lines as an aligned table (the fast path without templates). */
export function writeFixedTable(ctx: CliContext, header: string[], rows: string[][]): void {
  const text = [header, ...rows].map((r) => r.join('\t')).join('\n');
  ctx.out(`${alignTable(text)}\n`);
}
