import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BuildOptions } from '../api/build.js';
import { InvalidArgumentError, messageOf } from '../lib/errors/index.js';
import { familiarTagged, parseNamedReference, withDefaultTag } from '../oci/index.js';
import type { Dockerfile, Instruction, LabelInstruction, Stage } from './dockerfile/types.js';
import { parseDockerfile, parseOnbuildTrigger } from './dockerfile/parse.js';
import { expandInstruction } from './dockerfile/expand.js';
import { resolveTarget, stagesToBuild } from './dockerfile/stages.js';
import { ArgScope, BuildArgValues } from './args.js';
import type { BuildBackend, BuildImage } from './backend.js';
import { BuildCache } from './cache.js';
import { cloneConfig, DEFAULT_PATH, envKeys } from './config-changes.js';
import { BuildContext, DEFAULT_CONTEXT_LIMITS, receiveContext, type ContextLimits } from './context.js';
import { dispatchInstruction } from './dispatch.js';
import { BuildProgress, type BuildMessage } from './progress.js';
import { stageLookup, type StageState } from './stage-state.js';
import type { StepEnv } from './step-env.js';

export interface BuilderOptions {
  backend: BuildBackend;
  /** The builder's directory under the data root: the cache index and per-build scratch dirs. */
  root: string;
  limits?: ContextLimits;
}

/** The base name that means "no base image". */
const SCRATCH = 'scratch';

/**
 * The classic builder: receives a context, parses its Dockerfile and runs the stages the target
 * needs, one step after the other, each through the cache.
 */
export class Builder {
  readonly cache: BuildCache;

  constructor(private readonly opts: BuilderOptions) {
    this.cache = new BuildCache(join(opts.root, 'cache.json'));
  }

  /** Loads the cache; scratch dirs and step containers of builds a crash interrupted are removed. */
  async init(): Promise<void> {
    await this.opts.backend.removeLeftoverStepContainers();
    await mkdir(this.opts.root, { recursive: true, mode: 0o700 });
    await rm(join(this.opts.root, 'tmp'), { recursive: true, force: true });
    await mkdir(join(this.opts.root, 'tmp'), { mode: 0o700 });
    await this.cache.load();
  }

  /**
   * Receives the context and reads the Dockerfile: what can be refused before any output is
   * (a bad archive, a missing Dockerfile, a parse error, an unknown target, a bad tag).
   */
  async prepare(body: Readable, options: BuildOptions): Promise<PreparedBuild> {
    const tags = options.tags.map((t) => {
      const r = parseNamedReference(t);
      if (r.digest) throw new InvalidArgumentError(`invalid reference format: ${t} (tags cannot have a digest)`);
      return familiarTagged(withDefaultTag(r));
    });
    const dir = await mkdtemp(join(this.opts.root, 'tmp', 'build-'));
    try {
      const contextDir = join(dir, 'context');
      await mkdir(contextDir, { mode: 0o700 });
      await receiveContext(body, contextDir, { limits: this.opts.limits ?? DEFAULT_CONTEXT_LIMITS, signal: options.signal });
      const context = await BuildContext.open(contextDir, options.dockerfile);
      const dockerfile = parseDockerfile(context.dockerfile);
      const values = new BuildArgValues(options.buildArgs);
      const globals = globalArgs(dockerfile, values);
      const plan = planStages(dockerfile, options.target, globals);
      return new PreparedBuild(this.opts.backend, this.cache, { ...options, tags }, dir, context, dockerfile, { plan, values, globals });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Forgets every cached step; the images only the cache kept are removed. */
  async prune(): Promise<{ removed: string[] }> {
    const images = await this.cache.clear();
    const removed: string[] = [];
    // Newest first: a cached image is often the parent of the next one.
    for (const id of images.reverse()) {
      if (await this.opts.backend.removeUnusedImage(id).catch(() => false)) removed.push(id);
    }
    return { removed };
  }
}

/**
 * The stages the target needs, each after those it needs (through FROM and `COPY --from`, with
 * the global ARGs expanded), the target last. An unknown target gets the classic builder's words.
 */
export function planStages(df: Dockerfile, target: string | undefined, globals: ArgScope): number[] {
  if (df.stages.length === 0) throw new InvalidArgumentError('file with no instructions');
  if (target && !df.stages.some((s) => s.name === target.toLowerCase())) {
    throw new InvalidArgumentError(`failed to reach build target ${target} in Dockerfile`);
  }
  return stagesToBuild(df, resolveTarget(df, target), (n) => globals.valueOf(n)).map((s) => s.index);
}

/** The global ARGs (before the first FROM) with the build's values: what FROM lines and stage references see. */
function globalArgs(df: Dockerfile, values: BuildArgValues): ArgScope {
  const globals = new ArgScope(values);
  for (const g of df.globalArgs) {
    const expanded = expandInstruction(g, (n) => globals.valueOf(n), df.escapeToken);
    for (const a of expanded.args) globals.declare(a.name, a.default);
  }
  return globals;
}

/** A build whose context is received and whose Dockerfile is read, ready to run once. */
export class PreparedBuild {
  readonly #containers = new Map<string, () => Promise<void>>();
  readonly #results = new Map<number, BuildImage>();

  constructor(
    private readonly backend: BuildBackend,
    private readonly cache: BuildCache,
    private readonly options: BuildOptions,
    private readonly dir: string,
    private readonly context: BuildContext,
    private readonly dockerfile: Dockerfile,
    private readonly args: { plan: number[]; values: BuildArgValues; globals: ArgScope },
  ) {}

  /** Removes the build's scratch directory without running it. */
  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  /**
   * Runs the build, sending the classic builder's messages; resolves to the image id. On
   * failure or cancellation no step container stays and nothing is tagged.
   */
  async run(send: (m: BuildMessage) => void): Promise<string> {
    const progress = new BuildProgress(send, this.options.quiet);
    try {
      const id = await this.#run(progress);
      for (const t of this.options.tags) await this.backend.tagImage(id, t);
      progress.built(id, this.options.tags);
      return id;
    } finally {
      for (const remove of [...this.#containers.values()]) await remove().catch(() => undefined);
      await this.discard();
    }
  }

  async #run(progress: BuildProgress): Promise<string> {
    const { options, dockerfile: df } = this;
    const { plan, values, globals } = this.args;
    const labels = Object.entries(options.labels);
    const total = plan.reduce((n, i) => n + 1 + df.stages[i]!.instructions.length, 0) + (labels.length > 0 ? 1 : 0);
    const env: StepEnv = {
      backend: this.backend, cache: this.cache, progress, context: this.context, noCache: options.noCache,
      networkMode: options.networkMode, keepContainers: !options.rm, signal: options.signal, scratchDir: this.dir,
      stageResult: (ref) => this.#stageResult(ref),
      resolveImage: (ref) => this.#resolveImage(ref, progress),
      track: (id) => this.#track(id),
    };
    let n = 0;
    let last: StageState | undefined;
    for (const i of plan) {
      const stage = df.stages[i]!;
      progress.step(++n, total, stage.from.original);
      const from = expandInstruction(stage.from, (name: string) => globals.valueOf(name), df.escapeToken);
      const base = await this.#baseImage(from.image, i, progress);
      progress.result(base.id);
      const st: StageState = { stage, image: base, config: cloneConfig(base.config.config), args: new ArgScope(values, globals), cmdSet: false };
      if (!envKeys(st.config.Env as string[] | undefined).has('PATH')) st.config.Env = [...((st.config.Env as string[] | undefined) ?? []), DEFAULT_PATH];
      await this.#runTriggers(env, st, progress);
      for (const instr of stage.instructions) {
        options.signal.throwIfAborted();
        progress.step(++n, total, instr.original);
        await this.#dispatch(env, st, instr);
      }
      this.#results.set(i, st.image);
      last = st;
    }
    if (labels.length > 0 && last) {
      const words = labels.map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`).join(' ');
      const instr: LabelInstruction = {
        kind: 'LABEL', labels: labels.map(([key, value]) => ({ key, value })),
        range: { line: 0, endLine: 0 }, original: `LABEL ${words}`,
      };
      progress.step(++n, total, instr.original);
      await dispatchInstruction(env, last, instr);
    }
    const unused = values.unconsumed();
    if (unused.length > 0) progress.line(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed`);
    return last!.image.id;
  }

  /**
   * The base image's ONBUILD triggers, run first, as part of the FROM step; the stage's images
   * do not inherit them.
   */
  async #runTriggers(env: StepEnv, st: StageState, progress: BuildProgress): Promise<void> {
    const triggers = (st.config.OnBuild ?? []) as string[];
    if (triggers.length === 0) return;
    progress.line(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}`);
    st.config.OnBuild = null;
    for (const trigger of triggers) await this.#dispatch(env, st, parseOnbuildTrigger(trigger));
  }

  async #dispatch(env: StepEnv, st: StageState, instr: Instruction): Promise<void> {
    const expanded = expandInstruction(instr, stageLookup(st), this.dockerfile.escapeToken);
    await dispatchInstruction(env, st, expanded);
  }

  async #baseImage(name: string, index: number, progress: BuildProgress): Promise<BuildImage> {
    const stageRef = stageIndexByName(this.dockerfile.stages, name, index);
    if (stageRef !== undefined) {
      const built = this.#results.get(stageRef);
      if (!built) throw new InvalidArgumentError(`stage ${name} was not built`);
      return built;
    }
    if (name.toLowerCase() === SCRATCH) return this.backend.scratchImage({ architecture: hostArchitecture(), os: 'linux' });
    return this.#resolveImage(name, progress);
  }

  #stageResult(ref: string): BuildImage | undefined {
    for (const [i, img] of this.#results) {
      const s = this.dockerfile.stages[i]!;
      if (s.name === ref.toLowerCase() || String(s.index) === ref) return img;
    }
    return undefined;
  }

  async #resolveImage(ref: string, progress: BuildProgress): Promise<BuildImage> {
    if (!this.options.pull) {
      const local = this.backend.findImage(ref);
      if (local) return local;
    }
    try {
      return await this.backend.pullImage(ref, { auth: this.options.auth, signal: this.options.signal, progress: (m) => progress.pull(m) });
    } catch (err) {
      const local = this.options.pull ? this.backend.findImage(ref) : undefined;
      if (local && !this.options.signal.aborted) {
        progress.line(`Pulling ${ref} failed (${messageOf(err)}); using the local image`);
        return local;
      }
      throw err;
    }
  }

  #track(id: string): () => Promise<void> {
    let done: Promise<void> | undefined;
    const remove = (): Promise<void> => {
      done ??= this.backend.removeStepContainer(id).finally(() => this.#containers.delete(id));
      return done;
    };
    this.#containers.set(id, remove);
    return remove;
  }
}

/** An earlier stage named by a FROM (by name only: `FROM 0` is an image called "0"). */
function stageIndexByName(stages: Stage[], name: string, before: number): number | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i < before; i++) if (stages[i]!.name === lower) return i;
  return undefined;
}

/** The OCI name of the host's architecture, which built images claim. */
function hostArchitecture(): string {
  switch (process.arch) {
    case 'x64': return 'amd64';
    case 'ia32': return '386';
    default: return process.arch;
  }
}
