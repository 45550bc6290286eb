import { stat } from 'node:fs/promises';
import { messageOf } from '../../lib/errors/index.js';
import type { ContainerContext } from './context.js';
import { parseSize } from './create-config.js';
import { hasProcess } from './model.js';

/**
 * Rotates the logs of running containers that passed their max-size. Called periodically; a
 * pass still running makes the next call a no-op.
 */
export class LogRotation {
  readonly #c: ContainerContext;
  #running = false;

  constructor(c: ContainerContext) {
    this.#c = c;
  }

  async rotate(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (const rec of this.#c.deps.store.list()) {
        if (!hasProcess(rec.state)) continue;
        const cfg = rec.hostConfig.LogConfig?.Config ?? {};
        if (!cfg['max-size']) continue;
        const st = await stat(rec.logPath).catch(() => undefined);
        const maxSize = parseSize(cfg['max-size']);
        if (st && st.size >= maxSize) {
          await this.#c.deps.runtime.rotateLog(rec.id, rec.logPath, Number(cfg['max-file'] ?? 1), maxSize)
            .catch((err) => this.#c.deps.log(`rotate ${rec.id}: ${messageOf(err)}`));
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
