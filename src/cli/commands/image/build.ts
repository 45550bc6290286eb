import { writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { imageBuild } from '../../../client/image-build.js';
import type { Command } from '../../command.js';
import { packContext, planContext } from './build-context.js';

/** `KEY=value` words to a map; a bare KEY takes the value from the environment, or null. */
function buildArgMap(words: string[], env: NodeJS.ProcessEnv): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const w of words) {
    const i = w.indexOf('=');
    if (i < 0) out[w] = env[w] ?? null;
    else out[w.slice(0, i)] = w.slice(i + 1);
  }
  return out;
}

function labelMap(words: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of words) {
    const i = w.indexOf('=');
    out[i < 0 ? w : w.slice(0, i)] = i < 0 ? '' : w.slice(i + 1);
  }
  return out;
}

/** `berth build`: sends a directory (or a tar on stdin) as the context and prints the build's progress. */
export const command: Command = {
  spec: {
    name: 'build',
    usage: '[OPTIONS] PATH | -',
    description: 'Build an image from a Dockerfile',
    aliases: ['image build', 'build'],
    args: { min: 1, max: 1 },
    flags: [
      { name: 'build-arg', kind: 'list', description: 'Set build-time variables' },
      { name: 'file', short: 'f', kind: 'string', description: 'Name of the Dockerfile (Default is PATH/Dockerfile)' },
      { name: 'iidfile', kind: 'string', description: 'Write the image ID to the file' },
      { name: 'label', kind: 'list', description: 'Set metadata for an image' },
      { name: 'network', kind: 'string', description: 'Set the networking mode for the RUN instructions during build' },
      { name: 'no-cache', kind: 'bool', description: 'Do not use cache when building the image' },
      { name: 'platform', kind: 'string', description: 'Set platform if server is multi-platform capable' },
      { name: 'progress', kind: 'string', description: 'Set type of progress output (auto, plain, tty)' },
      { name: 'pull', kind: 'bool', description: 'Always attempt to pull a newer version of the image' },
      { name: 'quiet', short: 'q', kind: 'bool', description: 'Suppress the build output and print image ID on success' },
      { name: 'tag', short: 't', kind: 'list', description: 'Name and optionally a tag in the "name:tag" format' },
      { name: 'target', kind: 'string', description: 'Set the target build stage to build' },
    ],
  },
  async run(ctx, flags, [path]) {
    const progress = flags.string('progress') ?? 'auto';
    if (!['auto', 'plain', 'tty'].includes(progress)) throw new Error(`invalid progress mode: ${progress}`);
    let context: Readable;
    let dockerfile = flags.string('file');
    if (path === '-') {
      if (ctx.stdin.isTTY) throw new Error('no build context on stdin: pipe a tar archive');
      context = ctx.stdin;
    } else {
      const plan = await planContext(path!, dockerfile);
      dockerfile = plan.dockerfileInContext;
      context = packContext(plan);
    }
    const quiet = flags.bool('quiet');
    let id = '';
    const stream = imageBuild(ctx.client(), context, {
      tags: flags.list('tag'),
      dockerfile,
      buildArgs: buildArgMap(flags.list('build-arg'), process.env),
      target: flags.string('target'),
      noCache: flags.bool('no-cache'),
      pull: flags.bool('pull'),
      quiet,
      labels: labelMap(flags.list('label')),
      networkMode: flags.string('network'),
      platform: flags.string('platform'),
    });
    for await (const msg of stream) {
      if (msg.errorDetail || msg.error) {
        ctx.err(`${msg.errorDetail?.message ?? msg.error}\n`);
        return msg.errorDetail?.code || 1;
      }
      const aux = msg.aux as { ID?: string } | undefined;
      if (aux?.ID) id = aux.ID;
      if (quiet) continue;
      if (msg.stream !== undefined) ctx.out(msg.stream);
      else if (msg.status && !msg.progress) ctx.out(`${msg.id ? `${msg.id}: ` : ''}${msg.status}\n`);
    }
    if (quiet && id) ctx.out(`${id}\n`);
    const iidfile = flags.string('iidfile');
    if (iidfile && id) await writeFile(iidfile, id);
    return 0;
  },
};
