import type { Instruction } from './dockerfile/types.js';
import type { BuildImage } from './backend.js';
import { cacheKey, type CacheKeyInput } from './cache.js';
import { cloneConfig } from './config-changes.js';
import type { StageState } from './stage-state.js';
import type { StepEnv } from './step-env.js';

/** The instruction after expansion, without where it was written: what the cache compares. */
export function instructionKey(instr: Instruction): string {
  return JSON.stringify({ ...instr, range: undefined, original: undefined });
}

/** Takes a step's image as the stage's new state. */
function adopt(st: StageState, img: BuildImage): void {
  st.image = img;
  st.config = cloneConfig(img.config.config);
}

/**
 * Runs a step through the cache: a hit whose image still exists is reused (` ---> Using
 * cache`), otherwise `produce` makes the image and the cache remembers it.
 */
export async function cachedStep(env: StepEnv, st: StageState, input: CacheKeyInput, produce: () => Promise<BuildImage>): Promise<void> {
  const key = cacheKey(input);
  if (!env.noCache) {
    const hit = env.cache.lookup(key);
    const img = hit ? env.backend.findImage(hit) : undefined;
    if (img) {
      env.progress.line(' ---> Using cache');
      adopt(st, img);
      env.progress.result(img.id);
      return;
    }
    if (hit) await env.cache.forget(key);
  }
  const img = await produce();
  await env.cache.record(key, img.id);
  adopt(st, img);
  env.progress.result(img.id);
}

