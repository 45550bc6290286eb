import { systemVersion } from '../../../client/system-version.js';
import { API_VERSION } from '../../../client/transport.js';
import type { Command } from '../../command.js';
import { describeError } from '../../errors.js';
import { BERTH_BUILD, BERTH_VERSION } from '../../version.js';

/** `berth version`: client and server versions, laid out like `docker version`. */
export const command: Command = {
  spec: {
    name: 'version',
    usage: '[OPTIONS]',
    description: 'Show the berth version information',
    args: { max: 0 },
    flags: [{ name: 'format', short: 'f', kind: 'string', description: 'Format output using a custom template' }],
  },
  async run(ctx, flags) {
    const client = {
      Version: BERTH_VERSION,
      ApiVersion: ctx.client().version,
      DefaultAPIVersion: API_VERSION,
      GitCommit: BERTH_BUILD,
      GoVersion: `node ${process.version}`,
      Os: process.platform,
      Arch: process.arch === 'x64' ? 'amd64' : process.arch,
      BuildTime: '',
      Context: ctx.globals.contextName ?? 'default',
    };
    let server: Awaited<ReturnType<typeof systemVersion>> | undefined;
    let serverError: unknown;
    try {
      server = await systemVersion(ctx.client());
    } catch (err) {
      serverError = err;
    }
    const format = flags.string('format');
    if (format) {
      const { compileTemplate } = await import('../../template/index.js');
      // Templates name Go's fields (APIVersion), not the JSON keys (ApiVersion): offer both.
      const goNames = <T extends { ApiVersion?: string }>(v: T) => ({ ...v, APIVersion: v.ApiVersion });
      ctx.out(`${compileTemplate(format).render({ Client: goNames(client), Server: server ? goNames(server) : null })}\n`);
    } else {
      const lines = [
        'Client:',
        ` Version:           ${client.Version}`,
        ` API version:       ${client.ApiVersion}`,
        ` Node version:      ${process.version}`,
        ` Git commit:        ${client.GitCommit}`,
        ` OS/Arch:           ${client.Os}/${client.Arch}`,
        ` Context:           ${client.Context}`,
      ];
      if (server) {
        lines.push('', `Server: ${server.Platform?.Name ?? ''}`.trimEnd());
        const comps = server.Components?.length ? server.Components : [{ Name: 'Engine', Version: server.Version, Details: {} }];
        for (const c of comps) {
          lines.push(` ${c.Name}:`);
          if (c.Name === 'Engine') {
            lines.push(
              `  Version:          ${server.Version}`,
              `  API version:      ${server.ApiVersion}${server.MinAPIVersion ? ` (minimum version ${server.MinAPIVersion})` : ''}`,
              `  Git commit:       ${server.GitCommit ?? ''}`,
              `  Built:            ${server.BuildTime ?? ''}`,
              `  OS/Arch:          ${server.Os}/${server.Arch}`,
              `  Experimental:     ${server.Experimental ?? false}`,
            );
          } else {
            lines.push(`  Version:          ${c.Version}`);
            for (const [k, v] of Object.entries(c.Details ?? {})) lines.push(`  ${`${k}:`.padEnd(18)}${v}`);
          }
        }
      }
      ctx.out(`${lines.join('\n')}\n`);
    }
    if (serverError) {
      ctx.err(`${describeError(serverError)}\n`);
      return 1;
    }
    return 0;
  },
};
