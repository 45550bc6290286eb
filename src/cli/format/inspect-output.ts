import type { CliContext } from '../context.js';
import { ExitError } from '../errors.js';

/**
 * Prints inspected objects like docker: with a format, one rendered line per object; without,
 * a JSON array indented by four spaces (Go's MarshalIndent).
 */
export async function writeInspected(ctx: CliContext, objects: unknown[], format: string | undefined): Promise<void> {
  if (!format) {
    ctx.out(`${objects.length ? JSON.stringify(objects, null, 4) : '[]'}\n`);
    return;
  }
  const { compileTemplate, TemplateError } = await import('../template/index.js');
  let tmpl;
  try {
    // docker inspect renders with missingkey=error, so a typo in a key fails loudly
    tmpl = compileTemplate(format === 'json' ? '{{json .}}' : format, { missingKey: 'map' });
  } catch (err) {
    // docker exits 64 (usage) for a template that does not parse
    if (err instanceof TemplateError) throw new ExitError(64, `template parsing error: ${err.message}`);
    throw err;
  }
  for (const obj of objects) {
    try {
      ctx.out(`${tmpl.render(obj)}\n`);
    } catch (err) {
      if (err instanceof TemplateError) throw new ExitError(1, `template parsing error: ${err.message}`);
      throw err;
    }
  }
}

/**
 * Runs `lookup` for every name, printing what was found and, after it, one error line per
 * name that failed, as `docker inspect` does; exits 1 if any failed.
 */
export async function inspectAll(ctx: CliContext, names: string[], format: string | undefined, lookup: (name: string) => Promise<unknown>): Promise<number> {
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const name of names) {
    try {
      found.push(await lookup(name));
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (found.length || !format) await writeInspected(ctx, found, format);
  for (const e of errors) ctx.err(`${e}\n`);
  return errors.length ? 1 : 0;
}
