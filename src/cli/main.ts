#!/usr/bin/env node
import { Command } from 'commander';
import { registerAdminCommands } from './commands/admin.commands.js';
import { registerConsentCommands } from './commands/consent.commands.js';
import { registerGenerateCommand } from './commands/generate.command.js';
import { registerGoldenCommands } from './commands/golden.commands.js';
import { registerImportCommand } from './commands/import.command.js';
import { registerQualityCommands } from './commands/quality.commands.js';
import { registerMatchCommands } from './commands/match.commands.js';
import { registerServeCommand } from './commands/serve.command.js';

const program = new Command();
program
  .name('custodian')
  .description('Custodian: customer master data management server and tools')
  .version('0.1.0')
  .showHelpAfterError();
registerServeCommand(program);
registerAdminCommands(program);
registerImportCommand(program);
registerQualityCommands(program);
registerConsentCommands(program);
registerGoldenCommands(program);
registerMatchCommands(program);
registerGenerateCommand(program);

await program.parseAsync(process.argv);
