export type * from './types.js';
export { DockerfileParseError } from './errors.js';
export { parseDockerfile } from './parse.js';
