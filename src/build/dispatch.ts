import { posix } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { InvalidArgumentError, NotImplementedError } from '../lib/errors/index.js';
import type { ImageRunConfig } from '../image/types.js';
import type { CommandForm, Instruction, RunInstruction } from './dockerfile/types.js';
import { cloneConfig, envKeys, exposedPorts, healthcheckConfig, setEnv, shellOf } from './config-changes.js';
import { RunFailedError } from './errors.js';
import { goQuoteList, metadataCreatedBy, nopCreatedBy, runCreatedBy } from './history.js';
import { shortHex } from './progress.js';
import type { StageState } from './stage-state.js';
import type { StepEnv } from './step-env.js';
import { dispatchCopy } from './copy-step.js';
import { cachedStep, instructionKey } from './step-cache.js';
import { packPlacements } from './copy-tar.js';

/** A step that only changes the config: an image with an empty-layer history entry. */
async function metadataStep(env: StepEnv, st: StageState, instr: Instruction, comment: string, change: (c: ImageRunConfig) => void): Promise<void> {
  const config = cloneConfig(st.config);
  change(config);
  const createdBy = metadataCreatedBy(shellOf(st.config), comment);
  await cachedStep(env, st, { parent: st.image.id, instruction: instructionKey(instr), buildArgs: [] }, () =>
    env.backend.commitStep({ parent: st.image.id, config, createdBy, signal: env.signal }));
}

/** A command in the form the image config keeps: exec form as is, shell form behind the shell. */
function commandLine(form: CommandForm, shell: string[]): string[] {
  if (form.form === 'exec') return form.args;
  return [...shell, withHeredocs(form.command, form.heredocs)];
}

/**
 * A shell-form command with its heredocs: a command that is only `<<EOF` runs the body as the
 * script; otherwise the bodies follow the command as the shell's own here-documents.
 */
function withHeredocs(command: string, heredocs: Array<{ name: string; content: string }>): string {
  if (heredocs.length === 0) return command;
  if (heredocs.length === 1 && /^\s*\d*<<-?\s*["']?[^\s"']+["']?\s*$/.test(command)) return heredocs[0]!.content;
  return `${command}\n${heredocs.map((h) => `${h.content}${h.name}\n`).join('')}`;
}

/** Dispatches one (expanded) instruction of a stage. FROM is the builder's, not a step here. */
export async function dispatchInstruction(env: StepEnv, st: StageState, instr: Instruction): Promise<void> {
  switch (instr.kind) {
    case 'RUN': return dispatchRun(env, st, instr);
    case 'COPY':
    case 'ADD': return dispatchCopy(env, st, instr);
    case 'WORKDIR': return dispatchWorkdir(env, st, instr.path, instr);
    case 'CMD': {
      const cmd = commandLine(instr.command, shellOf(st.config));
      st.cmdSet = true;
      return metadataStep(env, st, instr, `CMD ${goQuoteList(cmd)}`, (c) => { c.Cmd = cmd; });
    }
    case 'ENTRYPOINT': {
      const ep = commandLine(instr.command, shellOf(st.config));
      const keepCmd = st.cmdSet;
      return metadataStep(env, st, instr, `ENTRYPOINT ${goQuoteList(ep)}`, (c) => {
        c.Entrypoint = ep;
        // A base image's CMD was meant for its own entrypoint.
        if (!keepCmd) c.Cmd = null;
      });
    }
    case 'ENV':
      return metadataStep(env, st, instr, `ENV ${instr.vars.map((v) => `${v.key}=${v.value}`).join(' ')}`, (c) => {
        let e = (c.Env as string[] | undefined) ?? [];
        for (const v of instr.vars) e = setEnv(e, v.key, v.value);
        c.Env = e;
      });
    case 'LABEL':
      return metadataStep(env, st, instr, `LABEL ${instr.labels.map((l) => `${l.key}=${l.value}`).join(' ')}`, (c) => {
        const labels = { ...(c.Labels ?? {}) };
        for (const l of instr.labels) labels[l.key] = l.value;
        c.Labels = labels;
      });
    case 'MAINTAINER':
      return metadataStep(env, st, instr, `MAINTAINER ${instr.name}`, () => undefined);
    case 'EXPOSE': {
      const ports = exposedPorts(instr.ports.flatMap((p) => p.split(/\s+/).filter(Boolean)));
      const sorted = [...new Set(ports)].sort();
      return metadataStep(env, st, instr, `EXPOSE ${sorted.join(' ')}`, (c) => {
        const exposed = { ...(c.ExposedPorts ?? {}) };
        for (const p of ports) exposed[p] = {};
        c.ExposedPorts = exposed;
      });
    }
    case 'VOLUME': {
      if (instr.paths.some((p) => p.trim() === '')) throw new InvalidArgumentError('VOLUME specified can not be an empty string');
      return metadataStep(env, st, instr, `VOLUME [${instr.paths.join(' ')}]`, (c) => {
        const vols = { ...(c.Volumes ?? {}) };
        for (const p of instr.paths) vols[p] = {};
        c.Volumes = vols;
      });
    }
    case 'USER':
      if (instr.user === '') throw new InvalidArgumentError('USER requires exactly one argument');
      return metadataStep(env, st, instr, `USER ${instr.user}`, (c) => { c.User = instr.user; });
    case 'STOPSIGNAL':
      if (!/^(SIG)?[A-Z0-9+-]+$/i.test(instr.signal)) throw new InvalidArgumentError(`Invalid signal: ${instr.signal}`);
      return metadataStep(env, st, instr, `STOPSIGNAL ${instr.signal}`, (c) => { c.StopSignal = instr.signal; });
    case 'SHELL':
      return metadataStep(env, st, instr, `SHELL ${goQuoteList(instr.shell)}`, (c) => { c.Shell = instr.shell; });
    case 'ONBUILD':
      return metadataStep(env, st, instr, `ONBUILD ${instr.expression}`, (c) => { c.OnBuild = [...(c.OnBuild ?? []), instr.expression]; });
    case 'HEALTHCHECK': {
      const test = instr.command === undefined ? ['NONE']
        : instr.command.form === 'exec' ? ['CMD', ...instr.command.args] : ['CMD-SHELL', withHeredocs(instr.command.command, instr.command.heredocs)];
      const hc = healthcheckConfig({ test, interval: instr.interval, timeout: instr.timeout, startPeriod: instr.startPeriod, startInterval: instr.startInterval, retries: instr.retries });
      return metadataStep(env, st, instr, hc.comment, (c) => { c.Healthcheck = hc.config; });
    }
    case 'ARG': {
      for (const a of instr.args) st.args.declare(a.name, a.default);
      const words = instr.args.map((a) => (a.default === undefined ? a.name : `${a.name}=${a.default}`));
      return metadataStep(env, st, instr, `ARG ${words.join(' ')}`, () => undefined);
    }
    case 'FROM':
      throw new InvalidArgumentError('FROM inside a stage');
  }
}

/** RUN: a container from the last step's image runs the command; its changes become a layer. */
async function dispatchRun(env: StepEnv, st: StageState, instr: RunInstruction): Promise<void> {
  if (instr.mounts.length > 0) throw new NotImplementedError('RUN --mount is not supported by this builder yet');
  if (instr.security === 'insecure') throw new NotImplementedError('RUN --security=insecure is not supported');
  const cmdLine = commandLine(instr.command, shellOf(st.config));
  const { recorded, predefined } = st.args.runArgs(envKeys(st.config.Env as string[] | undefined));
  const createdBy = runCreatedBy(cmdLine, recorded);
  const network = instr.network === undefined || instr.network === 'default' ? env.networkMode : instr.network;
  const parent = st.image;
  const config = cloneConfig(st.config);
  await cachedStep(env, st, { parent: parent.id, instruction: instructionKey(instr), buildArgs: recorded }, async () => {
    const id = await env.backend.createStepContainer({
      image: parent.id, cmd: cmdLine, env: [...recorded, ...predefined], networkMode: network,
    });
    const remove = env.track(id);
    let ok = false;
    try {
      env.progress.line(` ---> Running in ${shortHex(id)}`);
      const out = new StringDecoder('utf8');
      const err = new StringDecoder('utf8');
      const code = await env.backend.runStepContainer(id, {
        signal: env.signal,
        output: (stream, data) => {
          const text = (stream === 'stdout' ? out : err).write(data);
          if (text) env.progress.text(text);
        },
      });
      const rest = out.end() + err.end();
      if (rest) env.progress.text(rest);
      if (code !== 0) throw new RunFailedError(cmdLine, code);
      const img = await env.backend.commitStep({ parent: parent.id, containerId: id, config, createdBy, signal: env.signal });
      ok = true;
      return img;
    } finally {
      if (!ok || !env.keepContainers) {
        await remove();
        if (ok) env.progress.line(` ---> Removed intermediate container ${shortHex(id)}`);
      }
    }
  });
}

/** WORKDIR: the directory is made in the image (a layer when it was missing), then set. */
export async function dispatchWorkdir(env: StepEnv, st: StageState, path: string, instr: Instruction): Promise<void> {
  if (path === '') throw new InvalidArgumentError('WORKDIR requires exactly one argument');
  const dir = posix.resolve((st.config.WorkingDir as string | undefined) || '/', path);
  const config = cloneConfig(st.config);
  config.WorkingDir = dir;
  const createdBy = nopCreatedBy(shellOf(st.config), `WORKDIR ${dir}`);
  const parent = st.image;
  await cachedStep(env, st, { parent: parent.id, instruction: instructionKey(instr), buildArgs: [] }, async () => {
    const id = await env.backend.createStepContainer({ image: parent.id, cmd: ['/bin/sh'], env: [], networkMode: 'none' });
    const remove = env.track(id);
    try {
      await env.backend.withRootfs(id, async (rootfs) => {
        if (!(await rootfs.stat(dir))) await rootfs.extract('/', packPlacements([], { uid: 0, gid: 0 }, [dir]), env.signal);
      });
      return await env.backend.commitStep({ parent: parent.id, containerId: id, config, createdBy, signal: env.signal });
    } finally {
      await remove();
    }
  });
}
