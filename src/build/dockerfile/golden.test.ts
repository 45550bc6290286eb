/**
 * Golden tests: every `testdata/<name>.Dockerfile` is parsed and compared with
 * `testdata/<name>.json`, which holds the parsed Dockerfile and, under "expanded", each
 * instruction after variable expansion with the ARG defaults and ENV values in force at that
 * step (global ARGs for FROM, a stage's own ARG and ENV lines after it).
 *
 * The files are read from the source tree (this test runs from dist/src/..., three folders
 * below dist). After a deliberate change, regenerate the expected files with
 *   BERTH_UPDATE_GOLDEN=1 node --test dist/src/build/dockerfile/golden.test.js
 * and review the diff before committing it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { expandInstruction, parseDockerfile } from './index.js';
import type { Dockerfile, Instruction } from './index.js';

const testdata = fileURLToPath(new URL('../../../../src/build/dockerfile/testdata/', import.meta.url));
const update = process.env.BERTH_UPDATE_GOLDEN === '1';

/** What a build would see at each step: expansion against the ARG and ENV values of that moment. */
function expandAll(df: Dockerfile): unknown[] {
  const globals = new Map<string, string | undefined>();
  const out: unknown[] = [];
  const step = (instr: Instruction, vars: Map<string, string | undefined>): void => {
    try {
      const expanded = expandInstruction(instr, (name) => vars.get(name), df.escapeToken);
      out.push(expanded);
      if (expanded.kind === 'ARG') {
        for (const a of expanded.args) vars.set(a.name, a.default ?? (vars === globals ? undefined : globals.get(a.name)));
      }
      if (expanded.kind === 'ENV') for (const kv of expanded.vars) vars.set(kv.key, kv.value);
    } catch (err) {
      out.push({ line: instr.range.line, error: (err as Error).message });
    }
  };
  for (const arg of df.globalArgs) step(arg, globals);
  for (const stage of df.stages) {
    step(stage.from, globals);
    const vars = new Map<string, string | undefined>();
    for (const instr of stage.instructions) step(instr, vars);
  }
  return out;
}

describe('golden Dockerfiles', () => {
  const names = readdirSync(testdata).filter((f) => f.endsWith('.Dockerfile')).sort();
  it('has test cases', () => assert.ok(names.length >= 10, `only ${names.length} files in ${testdata}`));
  for (const name of names) {
    it(name, () => {
      const text = readFileSync(testdata + name, 'utf8');
      const df = parseDockerfile(text);
      const actual = JSON.stringify({ dockerfile: df, expanded: expandAll(df) }, null, 2) + '\n';
      const expectedPath = testdata + name.replace(/\.Dockerfile$/, '.json');
      if (update) writeFileSync(expectedPath, actual);
      assert.equal(actual, readFileSync(expectedPath, 'utf8'));
    });
  }
});
