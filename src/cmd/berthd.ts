import { parseDaemonArgs } from '../daemon/config/config.js';
import { startDaemon } from '../daemon/main.js';

/** berthd: the daemon's thin main. */
async function main(): Promise<void> {
  const parsed = parseDaemonArgs(process.argv.slice(2));
  if (parsed.print) {
    process.stdout.write(parsed.print);
    return;
  }
  const daemon = await startDaemon(parsed.config!);
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${new Date().toISOString()} INFO received ${sig}, shutting down (containers keep running)\n`);
    void daemon.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGPIPE', () => {});
}

main().catch((err: Error) => {
  process.stderr.write(`berthd: ${err.message}\n`);
  process.exit(1);
});

// A bug in one request must not take down every container's API: log it and keep serving.
process.on('uncaughtException', (err) => process.stderr.write(`${new Date().toISOString()} ERROR uncaught: ${err.stack ?? err}\n`));
process.on('unhandledRejection', (err) => process.stderr.write(`${new Date().toISOString()} ERROR unhandled rejection: ${(err as Error)?.stack ?? err}\n`));
