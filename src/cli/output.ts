import { AppError } from '../platform/errors/app-error.js';
import { ConfigError } from '../platform/config/config.js';

/** Prints a result for people, or as JSON for scripts. */
export function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** Runs a command body and turns known errors into a readable message and a non-zero exit. */
export async function run(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof AppError) {
      process.stderr.write(`Error (${err.code}): ${err.message}\n`);
      for (const d of err.details) process.stderr.write(`  - ${d.field}: ${d.message} [${d.rule}]\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
