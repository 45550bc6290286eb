/**
 * The berth CLI's entry point: runs the command and exits with its code once output is flushed.
 */
import { runCli } from '../cli/main.js';

// `berth logs -f web | head` closes our stdout early: end quietly, as docker does, not with a stack
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await runCli(process.argv.slice(2), {
  // a getter: touching process.stdin builds a stream (and loads net or tty), which most
  // commands never need and which costs milliseconds at start
  get stdin() { return process.stdin; },
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
// Exit explicitly: an attached stdin or a kept-alive socket would otherwise hold the process open.
process.stdout.write('', () => process.exit(code));
