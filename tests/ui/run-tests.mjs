// Entry point for ctest: runs test/*.test.mjs with Node's built-in test runner, driving Debian's chromium headless
// (through playwright-core, pinned by package-lock.json) against the sagebox binary. Exit 77 means "skipped" to
// ctest: without chromium or node_modules the suite says SKIPPED loudly, unless clients are required (CI), where
// that is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const chromium = process.env.SAGEBOX_CHROMIUM ?? '/usr/bin/chromium';

function missing(what, how) {
  const required = process.env.SAGEBOX_REQUIRE_CLIENTS === '1';
  console.log(`${required ? 'FAILED' : 'SKIPPED'}: dashboard browser tests — ${what} missing (${how})`);
  process.exit(required ? 1 : 77);
}

if (!existsSync(join(here, 'node_modules', 'playwright-core'))) missing('node_modules', 'run scripts/setup');
if (!existsSync(chromium)) missing(`chromium (${chromium})`, 'run scripts/setup, or set SAGEBOX_CHROMIUM');

const binary = resolve(process.env.SAGEBOX_BINARY ?? join(here, '..', '..', 'build', 'test', 'sagebox'));
const testDir = join(here, 'test');
const files = readdirSync(testDir).filter((name) => name.endsWith('.test.mjs')).sort().map((name) => join(testDir, name));
if (files.length === 0) {
  console.log(`FAILED: no test files in ${testDir}`);
  process.exit(1);
}

const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], {
  cwd: here,
  stdio: 'inherit',
  env: { ...process.env, SAGEBOX_BINARY: binary, SAGEBOX_CHROMIUM: chromium },
});
if (run.error) throw run.error;
process.exit(run.status ?? 1);
