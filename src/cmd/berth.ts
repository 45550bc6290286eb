/**
 * The berth CLI's entry point: runs the command and exits with its code once output is flushed.
 * `berth registry ...` runs the registry server instead, a server-side program the CLI must not
 * load (nor the registry the CLI): each is imported only when it is the one asked for.
 */

// bin/berth loads this module with a dynamic import, so if a bug ever left the command
// waiting on nothing, Node would end the process with status 0. Never let that pass as success.
let finished = false;

// `berth logs -f web | head` closes our stdout early: end quietly, as docker does, not with a stack
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') {
    finished = true;
    process.exit(0);
  }
  throw err;
});

process.on('exit', (status) => {
  if (finished || status !== 0) return;
  process.stderr.write('berth: internal error: the command ended without a result\n');
  process.exitCode = 125;
});

const args = process.argv.slice(2);
let code: number;
if (args[0] === 'registry') {
  const { registryMain } = await import('./registry.js');
  code = await registryMain(args.slice(1));
} else {
  const { runCli } = await import('../cli/main.js');
  code = await runCli(args, {
    // a getter: touching process.stdin builds a stream (and loads net or tty), which most
    // commands never need and which costs milliseconds at start
    get stdin() { return process.stdin; },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
}
// Exit explicitly: an attached stdin or a kept-alive socket would otherwise hold the process open.
finished = true;
process.stdout.write('', () => process.exit(code));
