import type { Command } from 'commander';

// Filled in by the synthetic customer generator: `custodian generate`.
export function registerGenerateCommand(_program: Command): void {}
