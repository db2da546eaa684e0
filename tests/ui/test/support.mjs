// What the browser tests share: a sagebox binary on a free port, SageMaker calls sent to it without an SDK, and a
// headless chromium page that fails the test on any console error.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BINARY = process.env.SAGEBOX_BINARY ?? fileURLToPath(new URL('../../../build/test/sagebox', import.meta.url));
const BANNER = /^sagebox listening on http:\/\/127\.0\.0\.1:(\d+)$/m;

// Starts sagebox with `args` (beside --port 0); resolves once its banner says where it listens.
export async function startSagebox(args = []) {
  const child = spawn(BINARY, ['--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => { log = (log + chunk).slice(-8192); });
  const exited = new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal)));
  const port = await new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`sagebox gave no banner in 10 s\n${log}`)), 10_000);
    exited.then((how) => fail(new Error(`sagebox exited with ${how}\n${log}`)));
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      const match = BANNER.exec(out += chunk);
      if (match) {
        clearTimeout(timer);
        done(Number(match[1]));
      }
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const how = await exited;
      clearTimeout(timer);
      assert.equal(how, 0, `sagebox exited with ${how}\n${log}`);
    },
  };
}

// A SageMaker call as `account` in `region`: lenient mode reads both from the credential scope and does not check
// the signature. Resolves to {status, body}.
export async function sagemaker(url, operation, input, { account = '123456789012', region = 'us-east-1' } = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `SageMaker.${operation}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=${account}/20260101/${region}/sagemaker/aws4_request, `
        + 'SignedHeaders=host;x-amz-target, Signature=0000',
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: await response.json() };
}

// Calls `operation` and asserts it succeeded.
export async function succeed(url, operation, input, where) {
  const { status, body } = await sagemaker(url, operation, input, where);
  assert.equal(status, 200, `${operation}: ${JSON.stringify(body)}`);
  return body;
}

// An admin call; asserts the status it should answer.
export async function admin(url, method, path, body, expected = 200) {
  const response = await fetch(url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json();
  assert.equal(response.status, expected, `${method} ${path}: ${JSON.stringify(answer)}`);
  return answer;
}

// Headless chromium with one page. Every console error and uncaught exception of the page is collected in
// `problems`; `allowed` lists the console messages a test expects (such as a 403 in strict mode).
export async function openBrowser(viewport = { width: 1280, height: 800 }) {
  const browser = await chromium.launch({
    executablePath: process.env.SAGEBOX_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // As root (containers, CI) chromium refuses to start with its sandbox.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport });
  // The page reads the API every 0.7 s: whatever it should show is there well within this.
  page.setDefaultTimeout(8000);
  const problems = [];
  const allowed = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (allowed.some((pattern) => pattern.test(message.text()))) return;
    problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.stack ?? error.message}`));
  return { browser, page, problems, allowed };
}

export function model(name) {
  return {
    ModelName: name,
    ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker',
    PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest' },
  };
}

export function endpointConfig(name, modelName) {
  return {
    EndpointConfigName: name,
    ProductionVariants: [{ VariantName: 'v1', ModelName: modelName, InitialInstanceCount: 1, InstanceType: 'ml.m5.large' }],
  };
}
