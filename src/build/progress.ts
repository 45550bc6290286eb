import type { JsonMessage } from '../api/progress.js';

/** One message of the classic builder's JSON stream (`stream` text, `aux` results, pull progress). */
export type BuildMessage = JsonMessage & { stream?: string };

/** Docker shows image and container ids by their first 12 hex digits. */
export function shortHex(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/**
 * The classic builder's text, as the docker CLI prints it: `Step 2/5 : RUN …`, ` ---> <id>`,
 * the step's output. Quiet builds send none of it, only the result.
 */
export class BuildProgress {
  constructor(private readonly send: (m: BuildMessage) => void, private readonly quiet: boolean) {}

  text(s: string): void {
    if (!this.quiet) this.send({ stream: s });
  }

  line(s: string): void {
    this.text(`${s}\n`);
  }

  step(n: number, total: number, original: string): void {
    this.line(`Step ${n}/${total} : ${original}`);
  }

  result(id: string): void {
    this.line(` ---> ${shortHex(id)}`);
  }

  /** Pull progress of a base image, passed on as it comes. */
  pull(m: JsonMessage): void {
    if (!this.quiet) this.send(m);
  }

  /** The aux message carries the full id; quiet builds also get it as their only text. */
  built(id: string, tags: string[]): void {
    this.send({ aux: { ID: id } });
    if (this.quiet) {
      this.send({ stream: `${id}\n` });
      return;
    }
    this.line(`Successfully built ${shortHex(id)}`);
    for (const t of tags) this.line(`Successfully tagged ${t}`);
  }
}
