import { InvalidArgumentError } from '../../lib/errors/index.js';

/**
 * A Dockerfile that cannot be built as written. The message carries the line the way Docker's
 * builder words it (`dockerfile parse error on line 3: unknown instruction: FOO`), because that
 * is what users and scripts look for; `line` and `detail` keep the parts for callers that reword.
 */
export class DockerfileParseError extends InvalidArgumentError {
  override readonly code: string = 'ERR_DOCKERFILE_PARSE';
  /** 1-based line of the instruction, undefined when the fault is the file as a whole. */
  readonly line: number | undefined;
  /** The message without the location prefix. */
  readonly detail: string;
  constructor(line: number | undefined, detail: string, options?: { cause?: unknown }) {
    super(line === undefined ? `dockerfile parse error: ${detail}` : `dockerfile parse error on line ${line}: ${detail}`, options);
    this.line = line;
    this.detail = detail;
  }
}

/**
 * A fault found while reading one instruction, before its line is known to the code that finds
 * it; the parser turns it into a DockerfileParseError carrying the instruction's line.
 */
export class InstructionError extends Error {}
