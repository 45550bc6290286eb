/**
 * `berth registry serve`'s configuration: a YAML or JSON file (`--config`), then the flags on
 * top of it. Everything is checked here, once, with messages that name the key, so the server
 * never starts half-configured. The file format is documented in docs/registry.md.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InvalidArgumentError } from '../lib/errors/index.js';
import type { AccessRule } from './auth/access-policy.js';
import { ACTIONS } from './auth/scope.js';
import type { Action } from './routes/index.js';

export type AuthType = 'none' | 'htpasswd' | 'token';

export interface RegistryConfig {
  addr: string;
  root: string | undefined;
  tls: { certificate: string; key: string } | undefined;
  auth: {
    type: AuthType;
    /** The accounts (both htpasswd and token auth). */
    htpasswd: string | undefined;
    /** The Basic realm. */
    realm: string;
    token: {
      /** The token endpoint's URL as clients see it; undefined: /token on the host they used. */
      realm: string | undefined;
      service: string;
      issuer: string;
      /** File holding the HMAC key (at least 32 bytes); undefined: a new key at every start. */
      key: string | undefined;
      expirySeconds: number;
    };
    anonymousPull: boolean;
    /** undefined: every account may do everything. */
    access: AccessRule[] | undefined;
  };
  log: { access: boolean; format: 'json'; file: string | undefined };
}

export interface RegistryFlags {
  config?: string;
  addr?: string;
  root?: string;
  tlsCert?: string;
  tlsKey?: string;
  auth?: string;
  htpasswd?: string;
}

function bad(where: string, what: string): InvalidArgumentError {
  return new InvalidArgumentError(`${where}: ${what}`);
}

type Obj = Record<string, unknown>;

function object(v: unknown, where: string, keys: string[]): Obj {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(where, 'want a mapping');
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw bad(where, `unknown key ${JSON.stringify(k)} (known: ${keys.join(', ')})`);
  }
  return v as Obj;
}

function str(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '') throw bad(where, 'want a non-empty string');
  return v;
}

function bool(v: unknown, where: string, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw bad(where, 'want true or false');
  return v;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** Seconds, as a number or "90s", "5m", "1h". */
function duration(v: unknown, where: string, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\d+[smh]$/.test(v)) n = Number(v.slice(0, -1)) * UNITS[v.slice(-1)]!;
  else throw bad(where, 'want seconds, or a duration like "5m"');
  if (!Number.isInteger(n) || n < 10 || n > 86_400) throw bad(where, 'want between 10 seconds and 24 hours');
  return n;
}

function accessRules(v: unknown, where: string): AccessRule[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw bad(where, 'want a list of rules');
  return v.map((r, i) => {
    const w = `${where}[${i}]`;
    const o = object(r, w, ['account', 'repository', 'actions', 'catalog']);
    const account = str(o.account, `${w}.account`);
    if (!account) throw bad(`${w}.account`, 'required (an account name, or "*" for every account)');
    const repository = str(o.repository, `${w}.repository`);
    let actions: Action[] | undefined;
    if (o.actions !== undefined) {
      if (!Array.isArray(o.actions) || !o.actions.every((a) => typeof a === 'string' && (ACTIONS as string[]).includes(a))) {
        throw bad(`${w}.actions`, `want a list of ${ACTIONS.join(', ')}`);
      }
      actions = o.actions as Action[];
    }
    if ((repository === undefined) !== (actions === undefined)) throw bad(w, 'repository and actions go together');
    const catalog = bool(o.catalog, `${w}.catalog`, false);
    if (repository === undefined && !catalog) throw bad(w, 'grants nothing: give repository and actions, or catalog: true');
    return { account, repository, actions, catalog };
  });
}

/** Parses the file's text (YAML, of which JSON is a part); paths in it are relative to `base`. */
export function parseConfigText(text: string, source: string): Obj {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw bad(source, `not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  return object(doc, source, ['addr', 'root', 'tls', 'auth', 'log']);
}

/** The configuration from the file's content (if any) and the flags; flags win. */
export function buildConfig(doc: Obj, flags: RegistryFlags, base: string, source = 'config'): RegistryConfig {
  const path = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(base, p));
  const tlsDoc = object(doc.tls, `${source}: tls`, ['certificate', 'key']);
  const authDoc = object(doc.auth, `${source}: auth`, ['type', 'htpasswd', 'token', 'anonymousPull', 'access']);
  const htDoc = object(authDoc.htpasswd, `${source}: auth.htpasswd`, ['path', 'realm']);
  const tokDoc = object(authDoc.token, `${source}: auth.token`, ['realm', 'service', 'issuer', 'key', 'expiry']);
  const logDoc = object(doc.log, `${source}: log`, ['access', 'format', 'file']);

  const certificate = flags.tlsCert ?? path(str(tlsDoc.certificate, `${source}: tls.certificate`));
  const key = flags.tlsKey ?? path(str(tlsDoc.key, `${source}: tls.key`));
  if ((certificate === undefined) !== (key === undefined)) throw new InvalidArgumentError('TLS needs both a certificate and a key (--tls-cert and --tls-key)');

  const htpasswd = flags.htpasswd ?? path(str(htDoc.path, `${source}: auth.htpasswd.path`));
  const typeText = flags.auth ?? str(authDoc.type, `${source}: auth.type`)
    ?? (authDoc.token !== undefined ? 'token' : htpasswd !== undefined ? 'htpasswd' : 'none');
  if (typeText !== 'none' && typeText !== 'htpasswd' && typeText !== 'token') {
    throw new InvalidArgumentError(`invalid auth type ${JSON.stringify(typeText)}: want none, htpasswd or token`);
  }
  const type: AuthType = typeText;
  if (type !== 'none' && htpasswd === undefined) throw new InvalidArgumentError(`auth ${type} needs an htpasswd file with the accounts (--htpasswd or auth.htpasswd.path)`);

  const realm = str(tokDoc.realm, `${source}: auth.token.realm`);
  if (realm !== undefined && !/^https?:\/\/[^\s"]+$/.test(realm)) throw bad(`${source}: auth.token.realm`, 'want an http(s) URL');
  const format = str(logDoc.format, `${source}: log.format`) ?? 'json';
  if (format !== 'json') throw bad(`${source}: log.format`, 'only "json" is supported');

  return {
    addr: flags.addr ?? str(doc.addr, `${source}: addr`) ?? ':5000',
    root: flags.root ?? path(str(doc.root, `${source}: root`)),
    tls: certificate !== undefined && key !== undefined ? { certificate, key } : undefined,
    auth: {
      type,
      htpasswd,
      realm: str(htDoc.realm, `${source}: auth.htpasswd.realm`) ?? 'berth-registry',
      token: {
        realm,
        service: str(tokDoc.service, `${source}: auth.token.service`) ?? 'berth-registry',
        issuer: str(tokDoc.issuer, `${source}: auth.token.issuer`) ?? 'berth-registry',
        key: path(str(tokDoc.key, `${source}: auth.token.key`)),
        expirySeconds: duration(tokDoc.expiry, `${source}: auth.token.expiry`, 300),
      },
      anonymousPull: bool(authDoc.anonymousPull, `${source}: auth.anonymousPull`, false),
      access: accessRules(authDoc.access, `${source}: auth.access`),
    },
    log: { access: bool(logDoc.access, `${source}: log.access`, true), format: 'json', file: path(str(logDoc.file, `${source}: log.file`)) },
  };
}

/** Reads `flags.config` (if given) and applies the flags over it. */
export async function loadConfig(flags: RegistryFlags): Promise<RegistryConfig> {
  if (flags.config === undefined) return buildConfig({}, flags, process.cwd());
  const file = resolve(flags.config);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  return buildConfig(parseConfigText(text, file), flags, dirname(file), file);
}
