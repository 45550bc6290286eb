import type { CliContext } from '../context.js';
import { ExitError } from '../errors.js';

/** One inspected object, with the Go type docker decodes it into for templates. */
export interface Inspected {
  value: unknown;
  /** A struct of template/go-types.ts (`container.InspectResponse`). */
  goType: string;
}

/**
 * Runs `lookup` for every name and prints the results as `docker inspect` does: without a
 * format, one JSON array (Go's MarshalIndent, four spaces); with `json`, the same array on one
 * line; with a template, a rendered line per object. Errors, a missing object or a template that fails on one, are printed after the
 * output, one line each, in the order of the names; the exit code is 1 if any failed.
 */
export async function inspectAll(ctx: CliContext, names: string[], format: string | undefined, lookup: (name: string) => Promise<Inspected>): Promise<number> {
  // `--format json` is docker's compact array of the answers as sent, not a template
  const render = format && format !== 'json' ? await templateRenderer(format) : undefined;
  const found: unknown[] = [];
  const lines: string[] = [];
  const errors: string[] = [];
  for (const name of names) {
    let inspected: Inspected;
    try {
      inspected = await lookup(name);
    } catch (err) {
      errors.push((err as Error).message);
      continue;
    }
    if (!render) {
      found.push(inspected.value);
      continue;
    }
    try {
      lines.push(render(inspected));
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (render) {
    // docker writes a lone newline when nothing rendered
    ctx.out(lines.length ? `${lines.join('\n')}\n` : '\n');
  } else if (format === 'json') {
    ctx.out(`${JSON.stringify(found)}\n`);
  } else {
    ctx.out(`${found.length ? JSON.stringify(found, null, 4) : '[]'}\n`);
  }
  for (const e of errors) ctx.err(`${e}\n`);
  return errors.length ? 1 : 0;
}

/**
 * Compiles the format once and returns how to render one object. docker first runs the template
 * against the typed struct (nulls as zero values, `<no value>` for a missing map key, Go's
 * struct printing) and, when that fails, against the raw JSON with missing keys as errors:
 * a field the daemon sends but the struct lacks still works, and a typo gets docker's
 * `map has no entry for key` message.
 */
async function templateRenderer(format: string): Promise<(inspected: Inspected) => string> {
  const [{ compileTemplate, TemplateError }, { typedValue }] = await Promise.all([
    import('../template/index.js'),
    import('../template/typed.js'),
  ]);
  let typed;
  let raw;
  try {
    typed = compileTemplate(format);
    raw = compileTemplate(format, { missingKey: 'map' });
  } catch (err) {
    // docker exits 64 (usage) for a template that does not parse
    if (err instanceof TemplateError) throw new ExitError(64, `template parsing error: ${err.message}`);
    throw err;
  }
  return ({ value, goType }) => {
    try {
      return typed.render(typedValue(value, goType));
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
    }
    try {
      return raw.render(value);
    } catch (err) {
      if (err instanceof TemplateError) throw new Error(`template parsing error: ${err.message}`);
      throw err;
    }
  };
}
