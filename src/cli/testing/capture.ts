import { PassThrough } from 'node:stream';
import { runCli } from '../main.js';

/** What one CLI invocation printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process with captured streams and an empty stdin. Unless the test gives
 * DOCKER_CONFIG, the config directory is one that does not exist, so the machine's own
 * ~/.docker/config.json never changes a result.
 */
export async function runCaptured(argv: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  stderr.on('data', (c: Buffer) => { err += c.toString('utf8'); });
  if (options.stdin !== undefined) stdin.end(options.stdin);
  else stdin.end();
  const env = { DOCKER_CONFIG: '/nonexistent/berth-test-config', ...options.env };
  const code = await runCli(argv, { stdin, stdout, stderr, env });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out, stderr: err };
}
