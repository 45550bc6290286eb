/**
 * The docker credential helper protocol (`docker-credential-<name>` on PATH), as the docker CLI
 * runs it: one action per process as the first argument, the input on stdin, the answer on stdout.
 *   store  ← {"ServerURL","Username","Secret"}
 *   get    ← server URL; → {"ServerURL","Username","Secret"}, or "credentials not found in native keychain"
 *   erase  ← server URL
 *   list   → {"<server URL>": "<username>", …}
 * A Username of "<token>" means Secret is an identity token, not a password.
 */
import { spawn } from 'node:child_process';

export interface HelperCredentials {
  serverUrl: string;
  username: string;
  secret: string;
}

/** What a helper prints when it has nothing for a server (docker-credential-helpers' wording). */
const NOT_FOUND = 'credentials not found in native keychain';
/** Helpers answer with a few hundred bytes; more is a broken helper, not data to keep. */
const MAX_OUTPUT = 1024 * 1024;
/** A helper that waits on a locked keychain should not hang the CLI forever. */
const TIMEOUT_MS = 60_000;

/** Why a helper failed, worded as the docker CLI words it ("error getting credentials - err: …, out: `…`"). */
export class CredentialHelperError extends Error {}

interface HelperRun {
  code: number | null;
  out: string;
  /** A spawn failure (the helper is not on PATH), in Go's exec wording. */
  spawnError?: string;
}

function runHelper(name: string, action: string, input: string, env: NodeJS.ProcessEnv): Promise<HelperRun> {
  const bin = `docker-credential-${name}`;
  return new Promise((resolve) => {
    const child = spawn(bin, [action], { env, stdio: ['pipe', 'pipe', 'inherit'], timeout: TIMEOUT_MS });
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_OUTPUT) chunks.push(c);
      else child.kill();
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      resolve({ code: null, out: '', spawnError: err.code === 'ENOENT' ? `exec: "${bin}": executable file not found in $PATH` : err.message });
    });
    child.once('close', (code) => resolve({ code, out: Buffer.concat(chunks).toString('utf8').trim() }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

function failure(what: string, r: HelperRun): CredentialHelperError {
  const err = r.spawnError ?? `exit status ${r.code ?? 1}`;
  return new CredentialHelperError(`error ${what} credentials - err: ${err}, out: \`${r.out}\``);
}

/** The helper's credentials for `serverUrl`, or undefined when it has none. */
export async function helperGet(name: string, serverUrl: string, env: NodeJS.ProcessEnv): Promise<HelperCredentials | undefined> {
  const r = await runHelper(name, 'get', serverUrl, env);
  if (r.spawnError === undefined && r.code !== 0 && r.out === NOT_FOUND) return undefined;
  if (r.spawnError !== undefined || r.code !== 0) throw failure('getting', r);
  let doc: { ServerURL?: unknown; Username?: unknown; Secret?: unknown };
  try {
    doc = JSON.parse(r.out) as typeof doc;
  } catch {
    throw new CredentialHelperError(`error getting credentials - err: invalid JSON from docker-credential-${name}, out: \`${r.out}\``);
  }
  const username = typeof doc.Username === 'string' ? doc.Username : '';
  const secret = typeof doc.Secret === 'string' ? doc.Secret : '';
  if (username === '' && secret === '') return undefined;
  return { serverUrl, username, secret };
}

export async function helperStore(name: string, creds: HelperCredentials, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runHelper(name, 'store', JSON.stringify({ ServerURL: creds.serverUrl, Username: creds.username, Secret: creds.secret }), env);
  if (r.spawnError !== undefined || r.code !== 0) throw failure('storing', r);
}

/** Erases the helper's credentials for `serverUrl`; one it does not have is not an error. */
export async function helperErase(name: string, serverUrl: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runHelper(name, 'erase', serverUrl, env);
  if (r.spawnError === undefined && r.code !== 0 && r.out === NOT_FOUND) return;
  if (r.spawnError !== undefined || r.code !== 0) throw failure('erasing', r);
}

/** Every server the helper holds credentials for, with its username. */
export async function helperList(name: string, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const r = await runHelper(name, 'list', '', env);
  if (r.spawnError !== undefined || r.code !== 0) throw failure('listing', r);
  try {
    const doc = JSON.parse(r.out || '{}') as unknown;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object');
    return Object.fromEntries(Object.entries(doc as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  } catch {
    throw new CredentialHelperError(`error listing credentials - err: invalid JSON from docker-credential-${name}, out: \`${r.out}\``);
  }
}
