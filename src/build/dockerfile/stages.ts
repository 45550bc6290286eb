import { InvalidArgumentError } from '../../lib/errors/index.js';
import { expandWord } from './expand.js';
import type { Dockerfile, Stage, VariableLookup } from './types.js';

/**
 * Which stages a build runs: the target (`--target`, or the last stage) and every stage it needs,
 * through `FROM <earlier stage>`, `COPY --from=<stage>` and `RUN --mount=from=<stage>`.
 */

/** The stage `--target` names (case-insensitive, as stage names are lower-cased), or the last stage. */
export function resolveTarget(df: Dockerfile, target?: string): Stage {
  if (target === undefined || target === '') return df.stages[df.stages.length - 1];
  const lower = target.toLowerCase();
  const stage = df.stages.find((s) => s.name === lower);
  if (!stage) throw new InvalidArgumentError(`target stage "${target}" could not be found`);
  return stage;
}

/**
 * A reference to another stage (`COPY --from`, mount `from`): a stage name, or a stage index;
 * undefined when it names an image instead.
 */
export function stageByRef(df: Dockerfile, ref: string): Stage | undefined {
  const lower = ref.toLowerCase();
  const named = df.stages.find((s) => s.name === lower);
  if (named) return named;
  if (/^[0-9]+$/.test(ref)) return df.stages[Number(ref)];
  return undefined;
}

/**
 * The stages `FROM`, `COPY --from` and `RUN --mount from=` of `stage` refer to. A FROM can only
 * name a stage above it (otherwise it is an image); COPY and mounts may name any stage. `lookup`
 * expands variables in the references (the global ARGs with the build's --build-arg values).
 */
export function stageReferences(df: Dockerfile, stage: Stage, lookup: VariableLookup = () => undefined): Stage[] {
  const refs = new Set<Stage>();
  const expand = (w: string): string => expandWord(w, lookup, df.escapeToken);
  const base = expand(stage.from.image).toLowerCase();
  const parent = df.stages.find((s) => s.index < stage.index && s.name === base);
  if (parent) refs.add(parent);
  for (const instr of stage.instructions) {
    const froms = instr.kind === 'COPY' ? [instr.from] : instr.kind === 'RUN' ? instr.mounts.map((m) => m.from) : [];
    for (const from of froms) {
      if (from === undefined || from === '') continue;
      const s = stageByRef(df, expand(from));
      if (s) refs.add(s);
    }
  }
  return [...refs];
}

/**
 * The stages needed to build `target`, each after the stages it needs, `target` last. Throws
 * when stages need each other in a circle.
 */
export function stagesToBuild(df: Dockerfile, target: Stage, lookup?: VariableLookup): Stage[] {
  const order: Stage[] = [];
  const state = new Map<Stage, 'visiting' | 'done'>();
  const visit = (stage: Stage, path: Stage[]): void => {
    const s = state.get(stage);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(stage)), stage].map(stageLabel).join(' -> ');
      throw new InvalidArgumentError(`circular dependency detected on stage: ${stageLabel(stage)} (${cycle})`);
    }
    state.set(stage, 'visiting');
    for (const dep of stageReferences(df, stage, lookup)) visit(dep, [...path, stage]);
    state.set(stage, 'done');
    order.push(stage);
  };
  visit(target, []);
  return order;
}

function stageLabel(stage: Stage): string {
  return stage.name ?? String(stage.index);
}
