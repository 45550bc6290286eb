// Starting `berth registry serve` for a test, and making small images to push to it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { hash } from 'bcryptjs';
import { pack } from 'tar-stream';
import { berthBin, tmpParent } from './paths.js';

export interface Registry {
  /** "127.0.0.1:PORT" */
  addr: string;
  /** "http://127.0.0.1:PORT" ("https://..." when started with TLS) */
  url: string;
  root: string;
  /** Everything the server wrote to stderr so far (the access log). */
  log(): string;
  /** SIGTERM, wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would. */
  kill9(): Promise<void>;
  /** Starts a new server on the same root (after stop or kill9); the port may change. */
  restart(): Promise<void>;
  /** stop + remove the temp root. */
  cleanup(): Promise<void>;
}

export interface StartRegistryOptions {
  /** More `registry serve` arguments (--config, --auth, --tls-cert, --proxy-remote-url ...). */
  args?: string[];
  /** The server speaks TLS: `url` is https. */
  tls?: boolean;
}

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<Registry> {
  mkdirSync(tmpParent, { recursive: true });
  const base = await mkdtemp(join(tmpParent, 'breg-'));
  const root = join(base, 'root');
  let child: ChildProcess | undefined;
  let stderr = '';
  const reg: Registry = {
    addr: '',
    url: '',
    root,
    log: () => stderr,
    async stop() {
      if (!child || child.exitCode !== null) return;
      const c = child;
      await new Promise<void>((ok) => { c.once('exit', () => ok()); c.kill('SIGTERM'); });
    },
    async kill9() {
      if (!child || child.exitCode !== null) return;
      const c = child;
      await new Promise<void>((ok) => { c.once('exit', () => ok()); c.kill('SIGKILL'); });
    },
    async restart() {
      await launch();
    },
    async cleanup() {
      await reg.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
  async function launch(): Promise<void> {
    const c = spawn(berthBin, ['registry', 'serve', '--addr', '127.0.0.1:0', '--root', root, ...(opts.args ?? [])], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    const from = stderr.length;
    const addr = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`registry did not start:\n${stderr}`)), 15_000);
      c.stderr!.setEncoding('utf8').on('data', (s: string) => {
        stderr += s;
        const m = /"msg":"listening","addr":"([^"]+)"/.exec(stderr.slice(from));
        if (m) { clearTimeout(timer); ok(m[1]!); }
      });
      c.once('exit', (code) => { clearTimeout(timer); fail(new Error(`registry exited with ${code}:\n${stderr}`)); });
    });
    reg.addr = addr;
    reg.url = `${opts.tls ? 'https' : 'http'}://${addr}`;
  }
  await launch();
  return reg;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A gzipped layer tar holding one file of `bytes` random bytes; returns the blob and its diff id. */
export async function randomLayer(bytes: number, fileName = 'data.bin'): Promise<{ blob: Buffer; diffId: string }> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const ended = new Promise<void>((ok) => p.on('end', () => ok()));
  p.entry({ name: fileName, size: bytes, mode: 0o644 }, randomBytes(bytes));
  p.finalize();
  await ended;
  const tar = Buffer.concat(chunks);
  return { blob: gzipSync(tar), diffId: sha256(tar) };
}

export interface TestImage {
  config: Buffer;
  layers: Buffer[];
  manifest: Buffer;
  manifestDigest: string;
}

/** An OCI image (manifest, config, gzipped layers) with layers of the given sizes. */
export async function makeImage(layerSizes: number[], mediaType = 'application/vnd.oci.image.manifest.v1+json'): Promise<TestImage> {
  const docker = mediaType.includes('docker');
  const layers = await Promise.all(layerSizes.map((n, i) => randomLayer(n, `f${i}`)));
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: { mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: layers.map((l) => ({
      mediaType: docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: sha256(l.blob), size: l.blob.length,
    })),
  }));
  return { config, layers: layers.map((l) => l.blob), manifest, manifestDigest: sha256(manifest) };
}

/** Writes `img` as an OCI image layout directory with `tag` in index.json. */
export async function writeOciLayout(dir: string, img: TestImage, tag: string): Promise<void> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  for (const b of [img.config, img.manifest, ...img.layers]) await writeFile(join(blobs, sha256(b).slice(7)), b);
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: img.manifestDigest, size: img.manifest.length,
      annotations: { 'org.opencontainers.image.ref.name': tag },
    }],
  }));
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON. */
  json<T = Record<string, unknown>>(): T;
}

/**
 * One HTTP(S) request with node:http (exact headers, no redirects followed, bodies as Buffers or
 * streams); `ca` is the certificate an https server is trusted by.
 */
export function http(method: string, url: string, opts: { headers?: Record<string, string | number>; body?: Buffer | string | Readable; ca?: Buffer } = {}): Promise<HttpResult> {
  return new Promise((ok, fail) => {
    const send = url.startsWith('https:') ? httpsRequest : request;
    const req = send(url, { method, headers: opts.headers, ca: opts.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => { chunks.push(c); });
      res.on('error', fail);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        ok({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body.toString()) as T });
      });
    });
    req.on('error', fail);
    if (opts.body instanceof Readable) opts.body.pipe(req);
    else req.end(opts.body);
  });
}

/** Pushes one blob monolithically (POST ?digest=); `headers` may carry an Authorization. */
export function pushBlob(url: string, repo: string, data: Buffer, headers: Record<string, string> = {}): Promise<HttpResult> {
  return http('POST', `${url}/v2/${repo}/blobs/uploads/?digest=${sha256(data)}`, { body: data, headers: { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': data.length } });
}

/** Pushes a manifest with its media type as Content-Type. */
export function putManifest(url: string, repo: string, ref: string, manifest: Buffer, headers: Record<string, string> = {}): Promise<HttpResult> {
  const mediaType = (JSON.parse(manifest.toString()) as { mediaType?: string }).mediaType ?? 'application/vnd.oci.image.manifest.v1+json';
  return http('PUT', `${url}/v2/${repo}/manifests/${ref}`, { body: manifest, headers: { ...headers, 'Content-Type': mediaType, 'Content-Length': manifest.length } });
}

/** Pushes an image's blobs and its manifest under `ref`; the manifest PUT's response. */
export async function pushImage(url: string, repo: string, img: TestImage, ref: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  for (const b of [img.config, ...img.layers]) {
    const r = await pushBlob(url, repo, b, headers);
    if (r.status !== 201) throw new Error(`blob push: ${r.status} ${r.body.toString()}`);
  }
  return putManifest(url, repo, ref, img.manifest, headers);
}

/** Basic credentials as an Authorization header value. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** An htpasswd line (bcrypt, the lowest cost: tests want speed, not strength). */
export async function htpasswdLine(user: string, password: string): Promise<string> {
  return `${user}:${await hash(password, 4)}`;
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost made by openssl, written as
 * `dir/cert.pem`, `dir/key.pem` and, for clients' cert dirs, `dir/ca.crt`.
 */
export async function selfSignedCert(dir: string): Promise<{ cert: string; key: string; pem: Buffer }> {
  await mkdir(dir, { recursive: true });
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=berth-test-registry', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  await copyFile(cert, join(dir, 'ca.crt'));
  return { cert, key, pem: await readFile(cert) };
}
