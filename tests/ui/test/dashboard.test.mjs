// The dashboard in a real browser: resources made through the API are listed and open to their Describe
// document, a new failing call shows up in the journal without a reload, rules can be removed, a reset leaves the
// empty state, and the page fits a narrow window. Any console error of the page fails the test. The run also
// takes the README's screenshot from its fixture data: to $SAGEBOX_SCREENSHOT (ctest: the build folder, so that a
// test run leaves the tree clean), or else to docs/dashboard.png, the README's copy.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { admin, endpointConfig, model, openBrowser, sagemaker, startSagebox, succeed } from './support.mjs';

const SCREENSHOT =
  process.env.SAGEBOX_SCREENSHOT || fileURLToPath(new URL('../../../docs/dashboard.png', import.meta.url));
const ELSEWHERE = { account: '111122223333', region: 'eu-west-1' };
// Long enough to see an endpoint Creating, short enough to see it turn InService while the page stays open.
const TRANSITION_SECONDS = 2;

describe('the dashboard, with fixture data', () => {
  let sagebox;
  let browser;
  let page;
  let problems;

  before(async () => {
    sagebox = await startSagebox(['--transition-delay', String(TRANSITION_SECONDS)]);
    const { url } = sagebox;
    await succeed(url, 'CreateModel', { ...model('churn-model'), Tags: [{ Key: 'team', Value: 'growth' }, { Key: 'stage', Value: 'test' }] });
    await succeed(url, 'CreateModel', model('fraud-model'));
    await succeed(url, 'CreateEndpointConfig', endpointConfig('churn-config', 'churn-model'));
    await succeed(url, 'CreateEndpoint', { EndpointName: 'churn-endpoint', EndpointConfigName: 'churn-config' });
    await succeed(url, 'CreateModel', model('ranker'), ELSEWHERE);
    await admin(url, 'POST', '/_sagebox/faults', {
      operation: 'CreateEndpoint', name: 'flaky-endpoint',
      error: { code: 'ThrottlingException', message: 'Rate exceeded', status: 400 },
    });
    await admin(url, 'POST', '/_sagebox/lifecycle', {
      resource: 'endpoint', name_prefix: 'canary-', on: 'create', outcome: 'fail',
      reason: 'CapacityError: Unable to provision requested ML compute capacity. Please retry using a different ML instance type.',
    });
    ({ browser, page, problems } = await openBrowser());
    await page.goto(`${url}/_sagebox/`);
  });

  after(async () => {
    await browser?.close();
    await sagebox?.stop();
  });

  it('lists the accounts and regions that hold something', async () => {
    const places = page.locator('#places');
    await places.getByText('account 123456789012 · us-east-1').waitFor();
    await places.getByText('account 111122223333 · eu-west-1').waitFor();
  });

  it('lists every resource with its ARN, creation time and tag count', async () => {
    const row = page.locator('#resources tr[data-name="churn-model"]');
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    assert.equal(cells[0], 'churn-model');
    assert.equal(cells[1], 'arn:aws:sagemaker:us-east-1:123456789012:model/churn-model');
    assert.match(cells[2], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.equal(cells[3], '2');
    for (const name of ['fraud-model', 'churn-config', 'ranker']) {
      await page.locator(`#resources tr[data-name="${name}"]`).waitFor();
    }
  });

  it('shows a new endpoint and its status live, without a reload', async () => {
    await succeed(sagebox.url, 'CreateEndpoint', { EndpointName: 'live-endpoint', EndpointConfigName: 'churn-config' });
    const status = page.locator('#resources tr[data-name="live-endpoint"] td.status');
    await status.filter({ hasText: 'Creating' }).waitFor({ timeout: 1500 });
    await status.filter({ hasText: 'InService' }).waitFor({ timeout: (TRANSITION_SECONDS + 2) * 1000 });
  });

  it('filters by name', async () => {
    await page.fill('#filter', 'churn');
    await page.locator('#resources tr[data-name="fraud-model"]').waitFor({ state: 'detached' });
    await page.locator('#resources tr[data-name="churn-model"]').waitFor();
    await page.fill('#filter', 'no-such-name');
    await page.getByText('No models match “no-such-name”.').waitFor();
    await page.fill('#filter', '');
  });

  it('opens a resource: its Describe document and its tags', async () => {
    await page.click('#resources tr[data-name="churn-model"] button');
    const detail = page.locator('#detail-section');
    await detail.waitFor();
    assert.equal(await page.locator('#detail-title').innerText(), 'Model churn-model');
    const document = JSON.parse(await page.locator('#detail-document').innerText());
    const described = await succeed(sagebox.url, 'DescribeModel', { ModelName: 'churn-model' });
    assert.deepEqual(document, described);
    assert.deepEqual(await page.locator('#detail-tags td').allInnerTexts(), ['team', 'growth', 'stage', 'test']);
  });

  it('shows a new failing call in the journal within a second, and its bodies on a click', async () => {
    await page.locator('#journal tr.call').first().waitFor();
    const { status } = await sagemaker(sagebox.url, 'CreateEndpoint',
      { EndpointName: 'flaky-endpoint', EndpointConfigName: 'churn-config' });
    assert.equal(status, 400);
    const row = page.locator('#journal tr.call.failed[data-operation="CreateEndpoint"]');
    await row.waitFor({ timeout: 1500 });
    assert.deepEqual((await row.locator('td').allInnerTexts()).slice(1, 4), ['CreateEndpoint', '400', 'ThrottlingException']);
    await row.click();
    const bodies = page.locator('#journal tr.bodies');
    await bodies.waitFor();
    const text = await bodies.innerText();
    assert.match(text, /"EndpointName": "flaky-endpoint"/);
    assert.match(text, /ThrottlingException: Rate exceeded/);
    // The screenshot: every section with data, one resource and one failed call open.
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('fits a narrow window', async () => {
    await page.setViewportSize({ width: 400, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 400px window`);
    await page.locator('#resources tr[data-name="churn-model"]').waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('lists the lifecycle rules', async () => {
    const rule = page.locator('#lifecycle tr[data-id="lifecycle-1"]');
    await rule.waitFor();
    assert.match(await rule.innerText(), /name_prefix: canary- · on: create · outcome: fail/);
  });

  it('removes a fault rule after asking', async () => {
    const rule = page.locator('#faults tr[data-id]');
    await rule.waitFor();
    page.once('dialog', (dialog) => dialog.dismiss());
    await rule.getByRole('button', { name: 'Remove' }).click();
    assert.equal((await admin(sagebox.url, 'GET', '/_sagebox/faults')).faults.length, 1, 'removed without a yes');
    page.once('dialog', (dialog) => dialog.accept());
    await rule.getByRole('button', { name: 'Remove' }).click();
    await page.getByText('No fault rules. Add one:').waitFor();
    assert.deepEqual((await admin(sagebox.url, 'GET', '/_sagebox/faults')).faults, []);
  });

  it('resets everything after asking, and then says how to begin', async () => {
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('#reset');
    await page.getByText('No resources yet. Create a first model').waitFor();
    assert.match(await page.locator('#resources pre').innerText(), /aws sagemaker create-model --endpoint-url http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(await page.locator('#detail-section').isHidden(), 'the open resource is gone');
    assert.deepEqual((await admin(sagebox.url, 'GET', '/_sagebox/resources')).resources, []);
  });

  it('clears the journal after asking', async () => {
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('#clear-journal');
    await page.getByText('No SageMaker calls recorded yet.').waitFor();
  });

  it('logged no console error', () => {
    assert.deepEqual(problems, []);
  });
});

describe('the dashboard in strict mode', () => {
  it('asks for the admin token, shows a refusal, and reads the API once given the right one', async () => {
    const credentials = join(mkdtempSync(join(tmpdir(), 'sagebox-ui-')), 'credentials');
    writeFileSync(credentials, 'AKIDEXAMPLE secret 123456789012\n');
    const sagebox = await startSagebox(['--auth', 'strict', '--credentials', credentials, '--admin-token', 'open-sesame']);
    const { browser, page, problems, allowed } = await openBrowser();
    // The refused calls are the test's point; chromium logs each refused fetch as a console error.
    allowed.push(/status of 403/);
    try {
      await page.goto(`${sagebox.url}/_sagebox/`);
      await page.locator('#token-form').waitFor();
      await page.fill('#token', 'wrong');
      await page.click('#token-form button');
      await page.locator('#errors').getByText(/403 AccessDeniedException/).first().waitFor();
      await page.locator('#token-form').waitFor();
      await page.fill('#token', 'open-sesame');
      await page.click('#token-form button');
      await page.getByText('No resources yet.').waitFor();
      await page.locator('#errors .error').first().waitFor({ state: 'detached' });
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await sagebox.stop();
    }
  });
});
