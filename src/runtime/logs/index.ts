export { readLogs } from './read-logs.js';
export { parseLogLine, parseTimestamp, type LogLine } from './parse.js';
export { rotatedLogFiles } from './files.js';
