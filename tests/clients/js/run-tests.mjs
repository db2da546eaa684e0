// Entry point for ctest: runs test/*.test.mjs with Node's built-in test runner against the sagebox binary.
// Exit 77 means "skipped" to ctest; it is used when the SDK is not installed, unless clients are required (CI).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const packages = ['client-sagemaker', 'client-sagemaker-runtime'];
if (!packages.every((name) => existsSync(join(here, 'node_modules', '@aws-sdk', name)))) {
  const required = process.env.SAGEBOX_REQUIRE_CLIENTS === '1';
  const status = required ? 'FAILED' : 'SKIPPED';
  console.log(`${status}: AWS SDK for JavaScript v3 tests — node_modules missing (run scripts/setup)`);
  process.exit(required ? 1 : 77);
}

// Resolved here so the tests find the binary whatever the working directory is.
const binary = resolve(process.env.SAGEBOX_BINARY ?? join(here, '..', '..', '..', 'build', 'test', 'sagebox'));
const testDir = join(here, 'test');
const files = readdirSync(testDir).filter((name) => name.endsWith('.test.mjs')).sort().map((name) => join(testDir, name));
if (files.length === 0) {
  console.log(`FAILED: no test files in ${testDir}`);
  process.exit(1);
}

const run = spawnSync(process.execPath, ['--test', ...files], {
  cwd: here,
  stdio: 'inherit',
  env: { ...process.env, SAGEBOX_BINARY: binary },
});
if (run.error) throw run.error;
process.exit(run.status ?? 1);
