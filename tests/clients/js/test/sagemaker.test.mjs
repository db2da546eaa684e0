// The AWS SDK for JavaScript v3 against a real sagebox: what a JS user of SageMaker would see.
// Inputs mirror tests/integration/sagebox_harness.py; expected texts come from README.md (Behaviour).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DeleteTagsCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListEndpointConfigsCommand,
  ListTagsCommand,
  ResourceLimitExceeded,
  SageMakerServiceException,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  paginateListEndpointConfigs,
  paginateListModels,
  waitUntilEndpointDeleted,
  waitUntilEndpointInService,
} from '@aws-sdk/client-sagemaker';
import { startSagebox } from './sagebox.mjs';

const ACCOUNT = '123456789012';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const modelArn = (name) => `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model/${name.toLowerCase()}`;
const endpointConfigArn = (name) => `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint-config/${name.toLowerCase()}`;
const endpointArn = (name) => `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/${name.toLowerCase()}`;

function modelInput(name) {
  return {
    ModelName: name,
    PrimaryContainer: { Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest' },
    ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-role',
  };
}

// A ContainerDefinition with every member.
function fullContainer(image) {
  const s3Source = () => ({
    S3Uri: 's3://bucket/model/', S3DataType: 'S3Prefix', CompressionType: 'None',
    ModelAccessConfig: { AcceptEula: true },
    HubAccessConfig: { HubContentArn: 'arn:aws:sagemaker:us-east-1:aws:hub-content/x' },
    ManifestS3Uri: 's3://bucket/manifest.json', ETag: 'etag-1', ManifestEtag: 'etag-2',
  });
  return {
    ContainerHostname: 'host-1',
    Image: image,
    ImageConfig: {
      RepositoryAccessMode: 'Vpc',
      RepositoryAuthConfig: { RepositoryCredentialsProviderArn: 'arn:aws:lambda:f' },
    },
    Mode: 'MultiModel',
    ModelDataUrl: 's3://bucket/model.tar.gz',
    ModelDataSource: { S3DataSource: s3Source() },
    AdditionalModelDataSources: [{ ChannelName: 'extra', S3DataSource: s3Source() }],
    Environment: { B_VAR: '2', A_VAR: 'one two', EMPTY: '' },
    ModelPackageName: 'my-package',
    InferenceSpecificationName: 'spec-1',
    MultiModelConfig: { ModelCacheSetting: 'Disabled' },
    ContainerMetricsConfig: {
      MetricsEndpoints: [{ MetricsEndpointPath: '/metrics', MetricPublishFrequencyInSeconds: 60 }],
    },
  };
}

// A CreateModel input with every member of CreateModelInput.
function fullModelInput(name) {
  return {
    ModelName: name,
    PrimaryContainer: fullContainer('123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1'),
    Containers: [fullContainer('img-b'), { Image: 'img-c' }],
    InferenceExecutionConfig: { Mode: 'Direct' },
    ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-role',
    Tags: [{ Key: 'Name', Value: 'model' }],
    VpcConfig: { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-1'] },
    EnableNetworkIsolation: true,
  };
}

// The README's example: the smallest useful endpoint configuration.
function seedEndpointConfigInput(name, model) {
  return {
    EndpointConfigName: name,
    ProductionVariants: [
      { VariantName: 'variant-1', ModelName: model, InitialInstanceCount: 1, InstanceType: 'ml.t2.medium' },
    ],
    Tags: [{ Key: 'Name', Value: 'foo' }],
  };
}

// A CreateEndpointConfig input with every member of CreateEndpointConfigInput.
function fullEndpointConfigInput(name, model) {
  return {
    EndpointConfigName: name,
    ProductionVariants: [{
      VariantName: 'variant-1',
      ModelName: model,
      InitialInstanceCount: 2,
      InstanceType: 'ml.m5.large',
      InstancePools: [{ InstanceType: 'ml.m5.xlarge', ModelNameOverride: model, Priority: 1 }],
      VariantInstanceProvisionTimeoutInSeconds: 600,
      InitialVariantWeight: 0.5,
      AcceleratorType: 'ml.eia1.medium',
      CoreDumpConfig: { DestinationS3Uri: 's3://bucket/core', KmsKeyId: '' },
      VolumeSizeInGB: 30,
      ModelDataDownloadTimeoutInSeconds: 600,
      ContainerStartupHealthCheckTimeoutInSeconds: 600,
      EnableSSMAccess: false,
      RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
      InferenceAmiVersion: 'al2-ami-sagemaker-inference-gpu-2',
      CapacityReservationConfig: {
        CapacityReservationPreference: 'capacity-reservations-only',
        MlReservationArn: 'arn:aws:sagemaker:us-east-1:123456789012:reservation/r-1',
      },
    }],
    DataCaptureConfig: {
      EnableCapture: true,
      InitialSamplingPercentage: 50,
      DestinationS3Uri: 's3://bucket/capture',
      KmsKeyId: 'alias/capture',
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
    },
    Tags: [{ Key: 'Name', Value: 'foo' }, { Key: 'team', Value: 'ml' }],
    KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abcd',
    AsyncInferenceConfig: {
      ClientConfig: { MaxConcurrentInvocationsPerInstance: 4 },
      OutputConfig: {
        KmsKeyId: 'key',
        S3OutputPath: 's3://bucket/out',
        NotificationConfig: {}, // an empty object must come back, not vanish
        S3FailurePath: 's3://bucket/fail',
      },
    },
    ExplainerConfig: {
      ClarifyExplainerConfig: {
        EnableExplanations: '`true`',
        InferenceConfig: { FeaturesAttribute: 'features', MaxRecordCount: 10, LabelHeaders: ['a'] },
        ShapConfig: {
          ShapBaselineConfig: { MimeType: 'text/csv', ShapBaseline: '1,2,3' },
          NumberOfSamples: 100, UseLogit: false, Seed: 7,
          TextConfig: { Language: 'en', Granularity: 'token' },
        },
      },
    },
    ShadowProductionVariants: [
      { VariantName: 'shadow-1', ModelName: model, InitialInstanceCount: 1, InstanceType: 'ml.t2.medium' },
    ],
    ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-role',
    VpcConfig: { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-1', 'subnet-2'] },
    EnableNetworkIsolation: true,
    MetricsConfig: { EnableEnhancedMetrics: true, EnableDetailedObservability: false, MetricPublishFrequencyInSeconds: 60 },
  };
}

function serverlessEndpointConfigInput(name, model) {
  return {
    EndpointConfigName: name,
    ProductionVariants: [{
      VariantName: 'serverless',
      ModelName: model,
      ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 20, ProvisionedConcurrency: 5 },
    }],
  };
}

// A variant without a model (an inference-component endpoint): no default weight is added to it.
function inferenceComponentEndpointConfigInput(name) {
  return {
    EndpointConfigName: name,
    ProductionVariants: [{
      VariantName: 'ic',
      InitialInstanceCount: 1,
      InstanceType: 'ml.g5.xlarge',
      ManagedInstanceScaling: {
        Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 4,
        ScaleInPolicy: { Strategy: 'IDLE_RELEASE', MaximumStepSize: 2, CooldownInMinutes: 10 },
      },
      RoutingConfig: { RoutingStrategy: 'RANDOM' },
    }],
    ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-role',
  };
}

// What DescribeEndpointConfig must return for `input` (CreationTime aside): the input without Tags, plus the
// ARN, plus InitialVariantWeight 1 on every variant that names a model and gave no weight.
function expectedEndpointConfig(input) {
  const { Tags, ...expected } = structuredClone(input);
  expected.EndpointConfigArn = endpointConfigArn(input.EndpointConfigName);
  for (const variant of [...expected.ProductionVariants, ...(expected.ShadowProductionVariants ?? [])]) {
    if (variant.ModelName !== undefined && variant.InitialVariantWeight === undefined) variant.InitialVariantWeight = 1;
  }
  return expected;
}

// Drops the SDK's $metadata and checks CreationTime: the SDK parses the epoch number into a Date.
function withoutMetadataAndTime(output, since) {
  const { $metadata, CreationTime, ...rest } = output;
  assert.equal($metadata.httpStatusCode, 200);
  assert.match($metadata.requestId, UUID);
  assert.ok(CreationTime instanceof Date, `CreationTime is ${CreationTime}`);
  // A 1 s allowance: sagebox stamps with millisecond precision from the same clock.
  assert.ok(CreationTime.getTime() >= since - 1000 && CreationTime.getTime() <= Date.now() + 1000,
    `CreationTime ${CreationTime.toISOString()} is not close to now`);
  return rest;
}

// Asserts that `promise` rejects the way the SDK surfaces a SageMaker error.
async function assertAwsError(promise, name, message) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof SageMakerServiceException, `not a service exception: ${err}`);
    assert.equal(err.name, name);
    if (message instanceof RegExp) assert.match(err.message, message); else assert.equal(err.message, message);
    assert.equal(err.$fault, 'client');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.match(err.$metadata.requestId, UUID);
    return true;
  });
}

describe('AWS SDK for JavaScript v3 against sagebox', () => {
  let sagebox;
  let client;
  before(async () => {
    sagebox = await startSagebox();
    client = sagebox.client;
  });
  after(async () => { await sagebox?.stop(); });
  beforeEach(async () => { await sagebox.reset(); });

  const createModel = (name) => client.send(new CreateModelCommand(modelInput(name)));
  const listTags = async (arn) => (await client.send(new ListTagsCommand({ ResourceArn: arn }))).Tags;
  const describeEndpoint = (name) => client.send(new DescribeEndpointCommand({ EndpointName: name }));

  // Runs an SDK waiter as a user would, with its service defaults (30 s before the second look); returns its result
  // and the milliseconds it took. A waiter whose first look is not final costs one 30 s sleep here.
  const timedWait = async (waiter, name) => {
    const started = performance.now();
    const result = await waiter({ client, maxWaitTime: 60 }, { EndpointName: name });
    return [result, performance.now() - started];
  };

  test('CreateModel with every member, then DescribeModel returns it', async () => {
    const since = Date.now();
    const input = fullModelInput('Full-Model');
    const created = await client.send(new CreateModelCommand(input));
    assert.equal(created.ModelArn, modelArn('Full-Model'));

    const described = await client.send(new DescribeModelCommand({ ModelName: 'full-model' }));
    const { Tags, ...expected } = structuredClone(input);
    assert.deepEqual(withoutMetadataAndTime(described, since), { ...expected, ModelArn: modelArn('Full-Model') });
    assert.deepEqual(await listTags(created.ModelArn), Tags);
  });

  test('CreateEndpointConfig with the seed example, then Describe', async () => {
    await createModel('m');
    const since = Date.now();
    const input = seedEndpointConfigInput('my-endpoint-config', 'm');
    const created = await client.send(new CreateEndpointConfigCommand(input));
    assert.equal(created.EndpointConfigArn, endpointConfigArn('my-endpoint-config'));

    const described = await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'my-endpoint-config' }));
    assert.deepEqual(withoutMetadataAndTime(described, since), {
      EndpointConfigName: 'my-endpoint-config',
      EndpointConfigArn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/my-endpoint-config',
      ProductionVariants: [{
        VariantName: 'variant-1', ModelName: 'm', InitialInstanceCount: 1, InstanceType: 'ml.t2.medium',
        InitialVariantWeight: 1,
      }],
    });
    assert.deepEqual(await listTags(created.EndpointConfigArn), [{ Key: 'Name', Value: 'foo' }]);
  });

  test('CreateEndpointConfig with every optional block round-trips exactly', async () => {
    await createModel('m');
    const since = Date.now();
    const input = fullEndpointConfigInput('Full-Config', 'm');
    await client.send(new CreateEndpointConfigCommand(input));

    // Another casing finds the same configuration; the name keeps the casing it was created with.
    const described = await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'FULL-config' }));
    const got = withoutMetadataAndTime(described, since);
    assert.deepEqual(got, expectedEndpointConfig(input));
    assert.equal(got.ProductionVariants[0].InitialVariantWeight, 0.5);
    assert.equal(got.ShadowProductionVariants[0].InitialVariantWeight, 1);
    assert.deepEqual(got.AsyncInferenceConfig.OutputConfig.NotificationConfig, {});
  });

  test('serverless and inference-component variants round-trip', async () => {
    await createModel('m');
    for (const input of [serverlessEndpointConfigInput('serverless', 'm'), inferenceComponentEndpointConfigInput('ic')]) {
      const since = Date.now();
      await client.send(new CreateEndpointConfigCommand(input));
      const described = await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: input.EndpointConfigName }));
      assert.deepEqual(withoutMetadataAndTime(described, since), expectedEndpointConfig(input));
    }
  });

  test('ListEndpointConfigs pages with the paginator and with NextToken by hand', async () => {
    await createModel('m');
    const names = Array.from({ length: 12 }, (_, i) => `config-${String(i + 1).padStart(2, '0')}`);
    for (const name of names) await client.send(new CreateEndpointConfigCommand(seedEndpointConfigInput(name, 'm')));

    const pageSizes = [];
    const seen = [];
    for await (const page of paginateListEndpointConfigs({ client, pageSize: 5 }, {})) {
      pageSizes.push(page.EndpointConfigs.length);
      for (const summary of page.EndpointConfigs) {
        assert.deepEqual(Object.keys(summary).sort(), ['CreationTime', 'EndpointConfigArn', 'EndpointConfigName']);
        assert.equal(summary.EndpointConfigArn, endpointConfigArn(summary.EndpointConfigName));
        assert.ok(summary.CreationTime instanceof Date);
        seen.push(summary);
      }
    }
    assert.deepEqual(pageSizes, [5, 5, 2]);
    assert.deepEqual(seen.map((s) => s.EndpointConfigName).sort(), names);
    // Default order: newest first.
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1].CreationTime >= seen[i].CreationTime);

    const byHand = [];
    let NextToken;
    do {
      const page = await client.send(new ListEndpointConfigsCommand({ MaxResults: 5, NextToken }));
      byHand.push(...page.EndpointConfigs.map((s) => s.EndpointConfigName));
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    assert.deepEqual(byHand, seen.map((s) => s.EndpointConfigName));
  });

  test('ListModels pages with the paginator', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `model-${i + 1}`);
    for (const name of names) await createModel(name);

    const pageSizes = [];
    const seen = [];
    for await (const page of paginateListModels({ client, pageSize: 3 }, { SortBy: 'Name', SortOrder: 'Ascending' })) {
      pageSizes.push(page.Models.length);
      for (const summary of page.Models) {
        assert.equal(summary.ModelArn, modelArn(summary.ModelName));
        assert.ok(summary.CreationTime instanceof Date);
        seen.push(summary.ModelName);
      }
    }
    assert.deepEqual(pageSizes, [3, 3, 1]);
    assert.deepEqual(seen, names);
  });

  test('AddTags, ListTags and DeleteTags', async () => {
    await createModel('m');
    const { EndpointConfigArn: arn } = await client.send(
      new CreateEndpointConfigCommand(seedEndpointConfigInput('tagged', 'm')));

    const added = await client.send(new AddTagsCommand({
      ResourceArn: arn,
      Tags: [{ Key: 'team', Value: 'ml' }, { Key: 'Name', Value: 'bar' }],
    }));
    assert.deepEqual(added.Tags, [{ Key: 'team', Value: 'ml' }, { Key: 'Name', Value: 'bar' }]);
    // Overwriting keeps a key where it was first set.
    assert.deepEqual(await listTags(arn), [{ Key: 'Name', Value: 'bar' }, { Key: 'team', Value: 'ml' }]);

    await client.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: ['Name', 'no-such-key'] }));
    assert.deepEqual(await listTags(arn), [{ Key: 'team', Value: 'ml' }]);
  });

  test('DeleteEndpointConfig and DeleteModel', async () => {
    await createModel('m');
    await client.send(new CreateEndpointConfigCommand(seedEndpointConfigInput('doomed', 'm')));

    const deleted = await client.send(new DeleteEndpointConfigCommand({ EndpointConfigName: 'doomed' }));
    assert.equal(deleted.$metadata.httpStatusCode, 200);
    await assertAwsError(client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'doomed' })),
      'ValidationException', `Could not find endpoint configuration "${endpointConfigArn('doomed')}".`);

    // Deleting a model a configuration still names is allowed; the name is reusable at once, without old tags.
    const { EndpointConfigArn: arn } = await client.send(
      new CreateEndpointConfigCommand({ ...seedEndpointConfigInput('doomed', 'm'), Tags: undefined }));
    assert.deepEqual(await listTags(arn), []);
    await client.send(new DeleteModelCommand({ ModelName: 'm' }));
    await assertAwsError(client.send(new DescribeModelCommand({ ModelName: 'm' })),
      'ValidationException', `Could not find model "${modelArn('m')}".`);
  });

  test('errors surface as ValidationException with the exact message', async () => {
    await assertAwsError(client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'Missing-Config' })),
      'ValidationException',
      'Could not find endpoint configuration "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/missing-config".');

    await createModel('Existing');
    await assertAwsError(createModel('existing'),
      'ValidationException',
      'Cannot create already existing model "arn:aws:sagemaker:us-east-1:123456789012:model/existing".');

    await assertAwsError(
      client.send(new CreateEndpointConfigCommand(seedEndpointConfigInput('my_config', 'm'))),
      'ValidationException',
      "1 validation error detected: Value 'my_config' at 'endpointConfigName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}');
  });

  test('endpoint waiters return on their first look after create, update, update weights and delete', async () => {
    await createModel('m');
    for (const name of ['config-1', 'config-2']) {
      await client.send(new CreateEndpointConfigCommand(seedEndpointConfigInput(name, 'm')));
    }
    const since = Date.now();
    const created = await client.send(
      new CreateEndpointCommand({ EndpointName: 'My-Endpoint', EndpointConfigName: 'config-1' }));
    assert.equal(created.EndpointArn, endpointArn('My-Endpoint'));
    let [result, ms] = await timedWait(waitUntilEndpointInService, 'My-Endpoint');
    assert.equal(result.state, 'SUCCESS');
    assert.ok(ms < 1000, `waitUntilEndpointInService took ${ms} ms`);
    assert.equal(result.reason.EndpointStatus, 'InService');

    const described = withoutMetadataAndTime(await describeEndpoint('my-endpoint'), since);
    const { LastModifiedTime, ...rest } = described;
    assert.ok(LastModifiedTime instanceof Date && LastModifiedTime >= result.reason.CreationTime);
    const [image] = rest.ProductionVariants[0].DeployedImages;
    assert.ok(image.ResolutionTime instanceof Date);
    assert.match(image.ResolvedImage, /^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/img@sha256:[0-9a-f]{64}$/);
    assert.deepEqual(rest, {
      EndpointName: 'My-Endpoint',
      EndpointArn: endpointArn('My-Endpoint'),
      EndpointConfigName: 'config-1',
      EndpointStatus: 'InService',
      ProductionVariants: [{
        VariantName: 'variant-1',
        DeployedImages: [{
          SpecifiedImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest',
          ResolvedImage: image.ResolvedImage,
          ResolutionTime: image.ResolutionTime,
        }],
        CurrentWeight: 1, DesiredWeight: 1, CurrentInstanceCount: 1, DesiredInstanceCount: 1,
      }],
    });

    await client.send(new UpdateEndpointCommand({ EndpointName: 'My-Endpoint', EndpointConfigName: 'config-2' }));
    [result, ms] = await timedWait(waitUntilEndpointInService, 'My-Endpoint');
    assert.equal(result.state, 'SUCCESS');
    assert.ok(ms < 1000, `waitUntilEndpointInService took ${ms} ms`);
    assert.equal(result.reason.EndpointConfigName, 'config-2');

    await client.send(new UpdateEndpointWeightsAndCapacitiesCommand({
      EndpointName: 'My-Endpoint',
      DesiredWeightsAndCapacities: [{ VariantName: 'variant-1', DesiredWeight: 0.25, DesiredInstanceCount: 4 }],
    }));
    [result, ms] = await timedWait(waitUntilEndpointInService, 'My-Endpoint');
    assert.equal(result.state, 'SUCCESS');
    assert.ok(ms < 1000, `waitUntilEndpointInService took ${ms} ms`);
    const { DeployedImages, ...variant } = (await describeEndpoint('My-Endpoint')).ProductionVariants[0];
    assert.deepEqual(variant, {
      VariantName: 'variant-1',
      CurrentWeight: 0.25, DesiredWeight: 0.25, CurrentInstanceCount: 4, DesiredInstanceCount: 4,
    });

    await client.send(new DeleteEndpointCommand({ EndpointName: 'My-Endpoint' }));
    [result, ms] = await timedWait(waitUntilEndpointDeleted, 'My-Endpoint');
    assert.equal(result.state, 'SUCCESS');
    assert.ok(ms < 1000, `waitUntilEndpointDeleted took ${ms} ms`);
    // Deleted means DescribeEndpoint's ValidationException (the waiter's success acceptor).
    assert.equal(result.reason.name, 'ValidationException');
  });

  test('endpoint errors: name and message, and the in-service waiter failing at once', async () => {
    const missing = `Could not find endpoint "${endpointArn('nope')}".`;
    await assertAwsError(describeEndpoint('Nope'), 'ValidationException', missing);

    await createModel('m');
    await client.send(new CreateEndpointConfigCommand(seedEndpointConfigInput('config-1', 'm')));
    await client.send(new CreateEndpointCommand({ EndpointName: 'e', EndpointConfigName: 'config-1' }));
    await assertAwsError(client.send(new UpdateEndpointCommand({ EndpointName: 'e', EndpointConfigName: 'config-1' })),
      'ValidationException', 'Cannot update endpoint with the currently in use endpoint configuration "config-1".');

    // The waiter's ValidationException acceptor is a failure: it rejects after one look instead of polling.
    const started = performance.now();
    await assert.rejects(waitUntilEndpointInService({ client, maxWaitTime: 60 }, { EndpointName: 'nope' }), (err) => {
      const result = JSON.parse(err.message);
      assert.equal(result.state, 'FAILURE');
      assert.deepEqual(result.observedResponses, { [`400: ${missing}`]: 1 });
      return true;
    });
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `the failing waiter took ${ms} ms`);
  });

  test('more than 50 tags on a resource surfaces as the modeled ResourceLimitExceeded', async () => {
    const { ModelArn: arn } = await createModel('m');
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `key-${i}`, Value: `value-${i}` }));

    // 51 in one call breaks the model's own constraint on AddTags' Tags (at most 50), checked first.
    await assertAwsError(client.send(new AddTagsCommand({ ResourceArn: arn, Tags: tags })), 'ValidationException',
      /^1 validation error detected: Value '\[\{Key=key-0, Value=value-0\}, .*\]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50$/);

    // 50, then one more: the 51st tag on the resource is the service's limit.
    await client.send(new AddTagsCommand({ ResourceArn: arn, Tags: tags.slice(0, 50) }));
    await assert.rejects(client.send(new AddTagsCommand({ ResourceArn: arn, Tags: tags.slice(50) })), (err) => {
      assert.ok(err instanceof ResourceLimitExceeded, `not ResourceLimitExceeded: ${err}`);
      assert.equal(err.name, 'ResourceLimitExceeded');
      // The body carries `Message` (capital M, the modeled member); the SDK moves it into err.message and
      // deletes err.Message (decorateServiceException in @smithy/core), so err.message is where users read it.
      assert.match(err.message, /50/);
      assert.equal(err.message,
        "You can't add more than 50 tags to a resource. Remove tags before adding new ones.");
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.match(err.$metadata.requestId, UUID);
      return true;
    });
    // The failed call changed nothing.
    assert.deepEqual(await listTags(arn), tags.slice(0, 50));
  });
});
