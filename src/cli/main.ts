import type { EngineClient } from '../client/transport.js';
import { COMMANDS, COMMON_COMMANDS, GROUPS } from './commands.js';
import type { ConfigFile } from './client-config.js';
import type { CliContext, CliIO, GlobalOptions } from './context.js';
import { checkArgs, parseFlags, renderHelp, UsageError, type CommandSpec, type FlagSpec } from './flags.js';

const PROG = 'berth';

/** Flags accepted before the command name, as the docker CLI has them. */
const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'host', short: 'H', kind: 'list', description: 'Daemon socket to connect to' },
  { name: 'debug', short: 'D', kind: 'bool', description: 'Enable debug mode' },
  { name: 'log-level', short: 'l', kind: 'string', description: 'Set the logging level', default: 'info' },
  { name: 'config', kind: 'string', description: 'Location of client config files' },
  { name: 'context', short: 'c', kind: 'string', hidden: true },
  { name: 'tls', kind: 'bool', hidden: true },
  { name: 'tlsverify', kind: 'bool', hidden: true },
  { name: 'tlscacert', kind: 'string', hidden: true },
  { name: 'tlscert', kind: 'string', hidden: true },
  { name: 'tlskey', kind: 'string', hidden: true },
  { name: 'version', short: 'v', kind: 'bool', description: 'Print version information and quit' },
];

/**
 * Runs the CLI with the given arguments (without `node` and the script) and resolves to the exit
 * code. All output goes through `io`, so tests can drive it against a fake daemon.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const write = (stream: CliIO['stdout'] | CliIO['stderr'], text: string): void => { stream.write(text); };
  let globalsParsed;
  try {
    globalsParsed = parseFlags({ flags: GLOBAL_FLAGS, stopAtFirstPositional: true }, argv);
  } catch (err) {
    write(io.stderr, `${(err as Error).message}\nSee '${PROG} --help'.\n`);
    return 125;
  }
  const { flags: g, args } = globalsParsed;
  if (g.bool('version')) {
    const { BERTH_BUILD, BERTH_VERSION } = await import('./version.js');
    write(io.stdout, `berth version ${BERTH_VERSION}, build ${BERTH_BUILD}\n`);
    return 0;
  }
  const globals: GlobalOptions = {
    hosts: g.list('host'),
    context: g.changed('context') ? g.string('context') : undefined,
    debug: g.bool('debug'),
    logLevel: g.string('log-level'),
    config: g.string('config'),
  };
  if (args.length === 0 || g.bool('help')) {
    write(io.stdout, topLevelHelp());
    return 0;
  }
  let key = args[0]!;
  let rest = args.slice(1);
  if (key === 'help') {
    // `berth help ps` is `berth ps --help`, as with docker
    if (rest.length === 0) { write(io.stdout, topLevelHelp()); return 0; }
    return runCli([...argv.slice(0, argv.length - args.length), ...rest, '--help'], io);
  }
  if (key in GROUPS) {
    const sub = rest[0];
    if (!sub || sub.startsWith('-')) {
      write(io.stdout, groupHelp(key));
      return 0;
    }
    key = `${key} ${sub}`;
    rest = rest.slice(1);
  }
  const loader = COMMANDS[key];
  if (!loader) {
    write(io.stderr, `${PROG}: unknown command: ${PROG} ${key}\n\nRun '${PROG} --help' for more information\n`);
    return 1;
  }
  // the command and the client load side by side; --version and help never load either
  const [command, connection] = await Promise.all([loader(), connectionFactory(io, globals)]);
  if ('error' in connection) {
    write(io.stderr, `${connection.error}\n`);
    return 1;
  }
  const spec: CommandSpec = { ...command.spec, name: key };
  const ctx = makeContext(io, globals, connection);
  try {
    const { flags, args: positionals } = parseFlags(spec, rest);
    if (flags.bool('help')) {
      ctx.out(renderHelp(PROG, { ...spec, usage: `${key} ${spec.usage}` }));
      return 0;
    }
    checkArgs(PROG, spec, positionals);
    return await command.run(ctx, flags, positionals);
  } catch (err) {
    if (err instanceof UsageError) {
      const usage = `Usage:  ${PROG} ${key} ${spec.usage}`;
      ctx.err(err.prefixed
        ? `${PROG}: ${err.message}\n\n${usage}\n\nSee '${PROG} ${key} --help' for more information\n`
        : `${err.message}\n\n${usage}\n\nRun '${PROG} ${key} --help' for more information\n`);
      return err.exitCode;
    }
    // loaded here, not at the top: a successful command never needs them
    const { describeError, ExitError } = await import('./errors.js');
    if (err instanceof ExitError) {
      if (err.message) ctx.err(`${err.message}\n`);
      return err.exitCode;
    }
    ctx.err(`${describeError(err)}\n`);
    if (globals.debug && err instanceof Error && err.stack) ctx.err(`${err.stack}\n`);
    return 1;
  }
}

/** How a command reaches its daemon and reads the client config, or why it cannot. */
interface Connection {
  makeClient: () => EngineClient;
  configFile: () => ConfigFile;
}

/**
 * Loads the client modules, reads the global options that pick the daemon (-H, --context, the
 * environment, the config directory) and returns how to make the client, or the error docker
 * prints for a choice it refuses before running any command.
 */
async function connectionFactory(io: CliIO, globals: GlobalOptions): Promise<Connection | { error: string }> {
  const [{ EngineClient: Client }, { chooseDaemon, configDir, InitError, loadConfigFile }] = await Promise.all([
    import('../client/transport.js'),
    import('./client-config.js'),
  ]);
  const dir = await configDir(globals.config, io.env);
  // read up front, as docker does, so a broken config.json is reported by every command
  const config = loadConfigFile(dir, (line) => { io.stderr.write(`${line}\n`); });
  const configFile = (): ConfigFile => config;
  let host: string;
  try {
    ({ context: globals.contextName, host } = await chooseDaemon({ hosts: globals.hosts, context: globals.context, env: io.env, configDir: dir, config: configFile }));
  } catch (err) {
    if (err instanceof InitError) return { error: err.message };
    throw err;
  }
  // DOCKER_API_VERSION pins the API version, as with docker (`v1.41` or `1.41`)
  const version = io.env['DOCKER_API_VERSION']?.replace(/^v/, '') || undefined;
  let client: EngineClient;
  try {
    client = new Client(host, { version });
  } catch (err) {
    // an address berth cannot dial is refused before the command runs, as docker does
    return { error: `Failed to initialize: unable to resolve docker endpoint: ${(err as Error).message}` };
  }
  return { makeClient: () => client, configFile };
}

function makeContext(io: CliIO, globals: GlobalOptions, connection: Connection): CliContext {
  let client: EngineClient | undefined;
  return {
    // stdin stays lazy (see cmd/berth.ts): read through the getter, never copied
    get stdin() { return io.stdin; },
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env,
    prog: PROG,
    globals,
    client() {
      client ??= connection.makeClient();
      return client;
    },
    configFile: connection.configFile,
    out: (text) => { io.stdout.write(text); },
    err: (text) => { io.stderr.write(text); },
  };
}

function topLevelHelp(): string {
  const lines = [`Usage:  ${PROG} [OPTIONS] COMMAND`, '', 'A self-sufficient runtime for containers', '', 'Common Commands:'];
  for (const [name, desc] of COMMON_COMMANDS) lines.push(`  ${name.padEnd(11)}${desc}`);
  lines.push('', 'Management Commands:');
  for (const [name, desc] of Object.entries(GROUPS)) lines.push(`  ${name.padEnd(11)}${desc}`);
  lines.push('', 'Commands:');
  const top = Object.keys(COMMANDS).filter((k) => !k.includes(' ') && !COMMON_COMMANDS.some(([n]) => n === k));
  lines.push(`  ${top.join(', ')}`, '', 'Global Options:');
  for (const f of GLOBAL_FLAGS.filter((x) => !x.hidden)) {
    lines.push(`  ${(f.short ? `-${f.short}, --${f.name}` : `    --${f.name}`).padEnd(22)}${f.description ?? ''}`);
  }
  lines.push('', `Run '${PROG} COMMAND --help' for more information on a command.`, '');
  return lines.join('\n');
}

function groupHelp(group: string): string {
  const subs = Object.keys(COMMANDS).filter((k) => k.startsWith(`${group} `)).map((k) => k.slice(group.length + 1));
  return `Usage:  ${PROG} ${group} COMMAND\n\n${GROUPS[group]}\n\nCommands:\n${subs.map((s) => `  ${s}`).join('\n')}\n\nRun '${PROG} ${group} COMMAND --help' for more information on a command.\n`;
}
