// Test entry point: the CLI with only the import command (main.ts wiring is added separately).
import { Command } from 'commander';
import { registerImportCommand } from '../../../src/cli/commands/import.command.js';

const program = new Command().name('custodian').exitOverride();
registerImportCommand(program);
await program.parseAsync(process.argv);
