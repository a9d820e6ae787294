#!/usr/bin/env node
// Builds the web console into console/dist when it is missing or older than its sources (used by `npm start`).
// Without Vite (a production install without dev dependencies) an existing build is kept as it is.
/* global process, console */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const index = join(root, 'console', 'dist', 'index.html');

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(path)) max = Math.max(max, newest(join(path, e)));
  return max;
}

const inputs = ['console/src', 'console/public', 'console/index.html', 'console/vite.config.ts'].map((p) => join(root, p)).filter(existsSync);
const fresh = existsSync(index) && statSync(index).mtimeMs >= Math.max(...inputs.map(newest));
if (fresh) process.exit(0);

let vite;
try {
  vite = join(dirname(createRequire(join(root, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  if (!existsSync(vite)) throw new Error('no vite binary');
} catch {
  if (existsSync(index)) {
    console.warn('console: sources changed but Vite is not installed; serving the existing build');
    process.exit(0);
  }
  console.warn('console: not built and Vite is not installed (npm install without --omit=dev); the server runs without the web console');
  process.exit(0);
}
console.log('console: building the web console…');
const r = spawnSync(process.execPath, [vite, 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
