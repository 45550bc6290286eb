import { DockerfileParseError, InstructionError } from './errors.js';
import { typeInstruction } from './instructions.js';
import { splitInstructions } from './lines.js';
import type { ArgInstruction, Dockerfile, Instruction, Stage } from './types.js';

/**
 * Parses a Dockerfile's text into typed instructions grouped into stages. Words stay as written
 * (variables are expanded when a step runs). Throws DockerfileParseError, naming the line, for
 * anything Docker refuses to build.
 */
export function parseDockerfile(text: string): Dockerfile {
  const split = splitInstructions(text);
  const warnings = [...split.warnings];
  if (split.instructions.length === 0) throw new DockerfileParseError(undefined, 'file with no instructions');

  const globalArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];
  const names = new Set<string>();
  for (const raw of split.instructions) {
    let instruction: Instruction;
    try {
      instruction = typeInstruction(raw, split.escapeToken, (w) => warnings.push(w));
    } catch (err) {
      if (err instanceof InstructionError) throw new DockerfileParseError(raw.range.line, err.message, { cause: err });
      throw err;
    }
    if (instruction.kind === 'FROM') {
      const stage: Stage = { index: stages.length, from: instruction, instructions: [] };
      if (instruction.stageName !== undefined) {
        if (names.has(instruction.stageName)) throw new DockerfileParseError(raw.range.line, `duplicate stage name "${instruction.stageName}"`);
        names.add(instruction.stageName);
        stage.name = instruction.stageName;
      }
      stages.push(stage);
    } else if (stages.length === 0) {
      if (instruction.kind !== 'ARG') throw new DockerfileParseError(raw.range.line, 'no build stage in current context');
      globalArgs.push(instruction);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  if (stages.length === 0) throw new DockerfileParseError(undefined, 'no build stage in current context');
  return { directives: split.directives, escapeToken: split.escapeToken, globalArgs, stages, warnings };
}

/**
 * One ONBUILD trigger, as the build of a child image reads it from its base image's config: a
 * single instruction (heredoc bodies included), not FROM, MAINTAINER or ONBUILD. Lines in
 * errors count from the trigger's first line.
 */
export function parseOnbuildTrigger(expression: string): Instruction {
  const split = splitInstructions(expression);
  if (split.instructions.length !== 1) throw new DockerfileParseError(undefined, 'onbuild trigger should be a single expression');
  const raw = split.instructions[0];
  const keyword = raw.keyword.toUpperCase();
  if (keyword === 'ONBUILD') throw new DockerfileParseError(raw.range.line, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (keyword === 'FROM' || keyword === 'MAINTAINER') throw new DockerfileParseError(raw.range.line, `${keyword} isn't allowed as an ONBUILD trigger`);
  try {
    return typeInstruction(raw, split.escapeToken, () => undefined);
  } catch (err) {
    if (err instanceof InstructionError) throw new DockerfileParseError(raw.range.line, err.message, { cause: err });
    throw err;
  }
}
