import type { Command } from 'commander';

// Filled in by the matching engine work (issue 4): `custodian dedupe` and `custodian link`.
export function registerMatchCommands(_program: Command): void {}
