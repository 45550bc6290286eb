/**
 * The Dockerfile as the builder sees it after parsing: typed instructions grouped into stages.
 *
 * Parsing happens in two stages (DESIGN.md): the first splits the text into instructions (parser
 * directives, escape token, line continuations, comments, heredocs), the second gives each
 * instruction its typed shape and checks its flags. Words are kept as written: variables are
 * expanded only when the step is dispatched, with the ARG and ENV values of that moment
 * (`expandInstruction` in this folder), because a later ARG or ENV changes what `$X` means.
 */

/** Where an instruction sits in the Dockerfile, 1-based and inclusive (a continued line spans several). */
export interface SourceRange {
  line: number;
  endLine: number;
}

/** One heredoc attached to an instruction (`RUN <<EOF`, `COPY <<a.txt /dst`). */
export interface Heredoc {
  /** The delimiter word without quotes (`EOF`). */
  name: string;
  /** The body, every line ending in "\n"; with `<<-` leading tabs are already removed. */
  content: string;
  /** False when the delimiter was quoted (`<<"EOF"`, `<<'EOF'`): no variable expansion in the body. */
  expand: boolean;
  /** `<<-`: leading tabs were stripped. */
  chomp: boolean;
  /** The file descriptor written before `<<` (`3<<EOF`), if any. */
  fileDescriptor?: number;
}

/**
 * A command as RUN, CMD, ENTRYPOINT and HEALTHCHECK take it: the JSON (exec) form is run as is,
 * the shell form through the stage's SHELL.
 */
export type CommandForm =
  | { form: 'exec'; args: string[] }
  | { form: 'shell'; command: string; heredocs: Heredoc[] };

/** `--mount=...` of RUN, with Docker's defaults left undefined when not given. */
export interface RunMount {
  type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  target?: string;
  source?: string;
  from?: string;
  readonly?: boolean;
  id?: string;
  sharing?: 'shared' | 'private' | 'locked';
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  required?: boolean;
  env?: string;
}

interface Base {
  /** Instruction keyword in upper case. */
  kind: string;
  /** Where it was written. */
  range: SourceRange;
  /** The instruction as written, continuations joined (for history `created_by` and error messages). */
  original: string;
}

export interface FromInstruction extends Base {
  kind: 'FROM';
  image: string;
  /** `AS name`, lower-cased as Docker does. */
  stageName?: string;
  platform?: string;
}

export interface RunInstruction extends Base {
  kind: 'RUN';
  command: CommandForm;
  mounts: RunMount[];
  network?: 'default' | 'none' | 'host';
  security?: 'sandbox' | 'insecure';
}

export interface CmdInstruction extends Base {
  kind: 'CMD';
  command: CommandForm;
}

export interface EntrypointInstruction extends Base {
  kind: 'ENTRYPOINT';
  command: CommandForm;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface LabelInstruction extends Base {
  kind: 'LABEL';
  labels: KeyValue[];
}

export interface MaintainerInstruction extends Base {
  kind: 'MAINTAINER';
  name: string;
}

export interface ExposeInstruction extends Base {
  kind: 'EXPOSE';
  /** As written (`80`, `53/udp`, `8000-8010/tcp`, `$PORT`). */
  ports: string[];
}

export interface EnvInstruction extends Base {
  kind: 'ENV';
  vars: KeyValue[];
}

/** Fields COPY and ADD share. */
interface CopyLike extends Base {
  /** Source paths or URLs as written; empty when only heredocs are copied. */
  sources: string[];
  dest: string;
  /** `COPY <<EOF /dest` bodies: each becomes a file named after its delimiter. */
  heredocs: Heredoc[];
  chown?: string;
  chmod?: string;
  link: boolean;
  exclude: string[];
}

export interface AddInstruction extends CopyLike {
  kind: 'ADD';
  checksum?: string;
  keepGitDir: boolean;
}

export interface CopyInstruction extends CopyLike {
  kind: 'COPY';
  /** `--from=stage|index|image`. */
  from?: string;
  parents: boolean;
}

export interface VolumeInstruction extends Base {
  kind: 'VOLUME';
  paths: string[];
}

export interface UserInstruction extends Base {
  kind: 'USER';
  user: string;
}

export interface WorkdirInstruction extends Base {
  kind: 'WORKDIR';
  path: string;
}

export interface ArgDeclaration {
  name: string;
  /** Undefined when declared without `=`. */
  default?: string;
}

export interface ArgInstruction extends Base {
  kind: 'ARG';
  args: ArgDeclaration[];
}

export interface OnbuildInstruction extends Base {
  kind: 'ONBUILD';
  /** The trigger as written after ONBUILD (stored in the image's OnBuild list, parsed when used). */
  expression: string;
}

export interface StopsignalInstruction extends Base {
  kind: 'STOPSIGNAL';
  signal: string;
}

export interface HealthcheckInstruction extends Base {
  kind: 'HEALTHCHECK';
  /** `HEALTHCHECK NONE` when undefined. */
  command?: CommandForm;
  /** Durations in nanoseconds, undefined when not given. */
  interval?: number;
  timeout?: number;
  startPeriod?: number;
  startInterval?: number;
  retries?: number;
}

export interface ShellInstruction extends Base {
  kind: 'SHELL';
  shell: string[];
}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | EntrypointInstruction
  | LabelInstruction
  | MaintainerInstruction
  | ExposeInstruction
  | EnvInstruction
  | AddInstruction
  | CopyInstruction
  | VolumeInstruction
  | UserInstruction
  | WorkdirInstruction
  | ArgInstruction
  | OnbuildInstruction
  | StopsignalInstruction
  | HealthcheckInstruction
  | ShellInstruction;

/** One `FROM` and the instructions up to the next. */
export interface Stage {
  /** Position among the stages, from 0 (what `COPY --from=0` names). */
  index: number;
  /** Lower-cased `AS` name, if any. */
  name?: string;
  from: FromInstruction;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** Parser directives from the top of the file (`syntax`, `escape`, `check`), keys lower-cased. */
  directives: Record<string, string>;
  /** `\` unless the escape directive says "`". */
  escapeToken: '\\' | '`';
  /** ARG instructions before the first FROM: usable in FROM lines, and in a stage when redeclared. */
  globalArgs: ArgInstruction[];
  stages: Stage[];
  /** Things Docker warns about without failing (empty continuation lines, MAINTAINER …), with lines. */
  warnings: string[];
}

/** Looks up a variable's current value while expanding; undefined when it is not set. */
export type VariableLookup = (name: string) => string | undefined;
