#!/usr/bin/env node
import { Command } from 'commander';
import { registerMatchCommands } from './commands/match.commands.js';
import { registerGenerateCommand } from './commands/generate.command.js';

const program = new Command();
program.name('custodian').description('Custodian customer master data management server').version('0.1.0');
registerMatchCommands(program);
registerGenerateCommand(program);

await program.parseAsync(process.argv);
