export type * from './types.js';
export { DockerfileParseError } from './errors.js';
export { parseDockerfile, parseOnbuildTrigger } from './parse.js';
export { expandHeredocBody, expandInstruction, expandWord, expandWords } from './expand.js';
export {
  PLATFORM_ARGS, PREDEFINED_ARGS, PROXY_ARGS, formatPlatform, isPredefinedArg, isProxyArg, platformArgValues,
} from './predefined-args.js';
export type { PlatformSpec } from './predefined-args.js';
export { resolveTarget, stageByRef, stageReferences, stagesToBuild } from './stages.js';
