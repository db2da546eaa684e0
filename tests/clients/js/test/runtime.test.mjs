// The SageMaker Runtime (InvokeEndpoint) through the AWS SDK for JavaScript v3: the echo, errors as the SDK
// parses them, and the streamed answer's event-stream framing read by the SDK's own decoder.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand } from '@aws-sdk/client-sagemaker';
import {
  InvokeEndpointCommand,
  InvokeEndpointWithResponseStreamCommand,
  ModelError,
  SageMakerRuntimeClient,
  SageMakerRuntimeServiceException,
  ValidationError,
} from '@aws-sdk/client-sagemaker-runtime';
import { CLIENT_OPTIONS, startSagebox } from './sagebox.mjs';

const ACCOUNT = '123456789012';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ENDPOINT = 'e1';

// Runs `body` with the environment variables in `values` set (undefined: unset), restoring them afterwards.
async function withEnvironment(values, body) {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const assign = (settings) => {
    for (const [name, value] of Object.entries(settings)) {
      if (value === undefined) delete process.env[name]; else process.env[name] = value;
    }
  };
  assign(values);
  try {
    return await body();
  } finally {
    assign(saved);
  }
}

// Asserts that `promise` rejects with the modeled exception `type`, as the SDK builds it from sagebox's answer.
async function assertRuntimeError(promise, type, message, status) {
  let caught;
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof type, `not a ${type.name}: ${err}`);
    assert.ok(err instanceof SageMakerRuntimeServiceException);
    assert.equal(err.name, type.name);
    assert.equal(err.message, message);
    assert.equal(err.$metadata.httpStatusCode, status);
    assert.match(err.$metadata.requestId, UUID);
    caught = err;
    return true;
  });
  return caught;
}

describe('SageMaker Runtime through the AWS SDK for JavaScript v3', () => {
  let sagebox;
  let runtime;
  before(async () => {
    sagebox = await startSagebox();
    runtime = new SageMakerRuntimeClient({ ...CLIENT_OPTIONS, endpoint: sagebox.endpoint });
  });
  after(async () => {
    runtime?.destroy();
    await sagebox?.stop();
  });

  // Endpoint e1 with two variants, each with a model of its own: variant-a takes every unaddressed call
  // (variant-b weighs 0), so that which one answers is deterministic.
  beforeEach(async () => {
    await sagebox.reset();
    const { client } = sagebox;
    for (const model of ['model-a', 'model-b']) {
      await client.send(new CreateModelCommand({
        ModelName: model,
        PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest' },
        ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-role',
      }));
    }
    const variant = (name, model, weight) => ({
      VariantName: name, ModelName: model, InitialInstanceCount: 1, InstanceType: 'ml.m5.large',
      InitialVariantWeight: weight,
    });
    await client.send(new CreateEndpointConfigCommand({
      EndpointConfigName: 'config-1',
      ProductionVariants: [variant('variant-a', 'model-a', 1), variant('variant-b', 'model-b', 0)],
    }));
    await client.send(new CreateEndpointCommand({ EndpointName: ENDPOINT, EndpointConfigName: 'config-1' }));
  });

  const queueAnswers = (answers) => sagebox.admin('POST', `/_sagebox/endpoints/${ENDPOINT}/answers`, { answers });

  test('InvokeEndpoint: the echo says how the call was routed, by weight and by TargetVariant', async () => {
    const body = new TextEncoder().encode('1,2,3');
    const common = {
      EndpointName: ENDPOINT, Body: body, ContentType: 'text/csv', Accept: 'application/json',
      CustomAttributes: 'trace=7',
    };
    const echo = (variant, model) => ({
      Endpoint: ENDPOINT, Variant: variant, Model: model, ContentType: 'text/csv', Accept: 'application/json',
      CustomAttributes: 'trace=7', BodyLength: 5,
    });

    const weighted = await runtime.send(new InvokeEndpointCommand(common));
    assert.equal(weighted.$metadata.httpStatusCode, 200);
    assert.match(weighted.$metadata.requestId, UUID);
    assert.equal(weighted.ContentType, 'application/json');
    assert.equal(weighted.InvokedProductionVariant, 'variant-a');
    assert.equal(weighted.CustomAttributes, 'trace=7');
    assert.deepEqual(JSON.parse(weighted.Body.transformToString()), echo('variant-a', 'model-a'));

    const targeted = await runtime.send(new InvokeEndpointCommand({ ...common, TargetVariant: 'variant-b' }));
    assert.equal(targeted.InvokedProductionVariant, 'variant-b');
    assert.deepEqual(JSON.parse(targeted.Body.transformToString()), echo('variant-b', 'model-b'));
  });

  test('an unknown endpoint and an unknown target variant are ValidationErrors', async () => {
    const body = new TextEncoder().encode('x');
    const unknown = runtime.send(new InvokeEndpointCommand({ EndpointName: 'No-Such', Body: body }));
    const err = await assertRuntimeError(unknown, ValidationError,
      `Endpoint No-Such of account ${ACCOUNT} not found.`, 400);
    assert.equal(err.$fault, 'client');
    await assertRuntimeError(
      runtime.send(new InvokeEndpointCommand({ EndpointName: ENDPOINT, Body: body, TargetVariant: 'variant-c' })),
      ValidationError, `Target variant variant-c is not found for endpoint ${ENDPOINT}.`, 400);
  });

  test("a model's 400 is a ModelError with the model's status and message, streamed or not", async () => {
    assert.deepEqual(await queueAnswers([{ Body: 'bad', StatusCode: 400 }, { Body: 'worse', StatusCode: 400 }]),
      { queued: 2 });
    const logs = `See https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEventViewer:` +
      `group=/aws/sagemaker/Endpoints/${ENDPOINT} in account ${ACCOUNT} for more information.`;
    const input = { EndpointName: ENDPOINT, Body: new TextEncoder().encode('x') };

    const err = await assertRuntimeError(runtime.send(new InvokeEndpointCommand(input)), ModelError,
      `Received client error (400) from model with message "bad". ${logs}`, 424);
    assert.equal(err.OriginalStatusCode, 400);
    assert.equal(err.OriginalMessage, 'bad');
    assert.equal(err.LogStreamArn, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/sagemaker/Endpoints/${ENDPOINT}`);

    // The streaming operation fails before any event: an ordinary error answer, which the SDK parses the same way.
    const streamed = await assertRuntimeError(runtime.send(new InvokeEndpointWithResponseStreamCommand(input)),
      ModelError, `Received client error (400) from model with message "worse". ${logs}`, 424);
    assert.equal(streamed.OriginalStatusCode, 400);
  });

  test("InvokeEndpointWithResponseStream: a 100 KB answer arrives as PayloadPart events the SDK decodes", async () => {
    // Not a repeated character: a part cut or joined in the wrong place must show.
    const answer = Array.from({ length: 100_000 }, (_, i) => String.fromCharCode(97 + (i * 7) % 26)).join('');
    await queueAnswers([{ Body: answer, ContentType: 'text/event-stream' }]);
    const output = await runtime.send(new InvokeEndpointWithResponseStreamCommand({
      EndpointName: ENDPOINT, Body: new TextEncoder().encode('x'),
    }));
    assert.equal(output.$metadata.httpStatusCode, 200);
    assert.equal(output.ContentType, 'text/event-stream');
    assert.equal(output.InvokedProductionVariant, 'variant-a');

    const parts = [];
    for await (const event of output.Body) {
      assert.deepEqual(Object.keys(event), ['PayloadPart'], `unexpected event ${JSON.stringify(event)}`);
      parts.push(event.PayloadPart.Bytes);
    }
    assert.ok(parts.length > 1, `${parts.length} part(s)`);
    assert.equal(Buffer.concat(parts).toString('latin1'), answer);
  });

  test('the echo streamed: one PayloadPart holding the JSON', async () => {
    const output = await runtime.send(new InvokeEndpointWithResponseStreamCommand({
      EndpointName: ENDPOINT, Body: new TextEncoder().encode('abc'), TargetVariant: 'variant-b',
    }));
    assert.equal(output.ContentType, 'application/json');
    assert.equal(output.InvokedProductionVariant, 'variant-b');
    const events = [];
    for await (const event of output.Body) events.push(event);
    assert.equal(events.length, 1);
    const echo = JSON.parse(Buffer.from(events[0].PayloadPart.Bytes).toString('utf8'));
    assert.equal(echo.Variant, 'variant-b');
    assert.equal(echo.BodyLength, 3);
  });

  test('AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME points a client without `endpoint` at sagebox', async () => {
    // The general AWS_ENDPOINT_URL names a port where nothing listens: the call succeeds only if the
    // service's own variable is read, and read first.
    await withEnvironment({
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: sagebox.endpoint,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    }, async () => {
      const fromEnvironment = new SageMakerRuntimeClient(CLIENT_OPTIONS);
      try {
        const output = await fromEnvironment.send(new InvokeEndpointCommand({
          EndpointName: ENDPOINT, Body: new TextEncoder().encode('x'),
        }));
        assert.equal(output.InvokedProductionVariant, 'variant-a');
        assert.equal(JSON.parse(output.Body.transformToString()).Endpoint, ENDPOINT);
      } finally {
        fromEnvironment.destroy();
      }
    });
  });
});
