// Starts the real sagebox binary on a free port and hands out an AWS SDK v3 client pointed at it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';

// run-tests.mjs passes SAGEBOX_BINARY on; the fallback lets `node --test` run on its own from a normal build.
const BINARY = process.env.SAGEBOX_BINARY
  ?? fileURLToPath(new URL('../../../../build/test/sagebox', import.meta.url));
const BANNER = /^sagebox listening on http:\/\/127\.0\.0\.1:(\d+)$/;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 15_000; // sagebox drains in-flight requests for up to 10 s on SIGTERM

// What every client of these tests is built with, beside its endpoint.
export const CLIENT_OPTIONS = Object.freeze({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' },
  maxAttempts: 1, // a retry would hide a flaky answer
});

export async function startSagebox() {
  const child = spawn(BINARY, ['--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Keep the tail of stderr (sagebox's log) to explain a failed start or stop; draining it keeps the pipe from filling.
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr = (stderr + chunk).slice(-8192); });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const port = await new Promise((resolve, reject) => {
    let stdout = '';
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`sagebox did not start (${BINARY}): ${why}\n${stderr}`));
    };
    const timer = setTimeout(() => fail('no banner within 10 s'), START_TIMEOUT_MS);
    child.once('error', (err) => fail(err.message));
    exited.then(({ code, signal }) => fail(`exited with ${code ?? signal}`));
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      if (settled) return;
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      const match = BANNER.exec(stdout.slice(0, newline));
      if (!match) return fail(`unexpected banner ${JSON.stringify(stdout)}`);
      settled = true;
      clearTimeout(timer);
      resolve(Number(match[1]));
    });
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SageMakerClient({ ...CLIENT_OPTIONS, endpoint });

  return {
    port,
    endpoint,
    client,
    async reset() {
      await this.admin('POST', '/_sagebox/reset');
    },
    // Calls an admin path with `body` as JSON, asserts 200 and returns the parsed answer.
    async admin(method, path, body) {
      const response = await fetch(`${endpoint}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      assert.equal(response.status, 200, `${method} ${path} failed: ${text}`);
      return JSON.parse(text);
    },
    // Stops sagebox with SIGTERM and asserts a clean exit (code 0).
    async stop() {
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const { code, signal } = await exited;
      clearTimeout(timer);
      assert.equal(code, 0, `sagebox exited with ${code ?? signal}\n${stderr}`);
    },
  };
}
