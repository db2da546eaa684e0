"""What the Terraform AWS provider sends for `aws_sagemaker_endpoint_configuration`, one entry per acceptance scenario.

Each entry of SCENARIOS holds the HCL of the scenario (as the provider's acceptance tests write it), the exact
JSON body `resourceEndpointConfigurationCreate` sends for it (CreateEndpointConfig), the CreateModel body of the
`aws_sagemaker_model` the configuration uses, and for the tags scenario the later tag maps of the update steps.

How the bodies were derived (hashicorp/terraform-provider-aws, internal/service/sagemaker/endpoint_configuration.go,
the aws-sdk-go-v2 version with `capacity_reservation_config`; model.go of the same generation):
- `expandProductionVariants`: on a variant that names a model, `InitialVariantWeight` is always sent (schema
  default 1, sent as float32: the Go SDK writes `1`, `0.5`, `2`) and so is `EnableSSMAccess` (`false` unless set).
  A variant without `model_name` (inference component) gets neither. `VariantName` unset -> `sdkid.UniqueId()`
  (`terraform-` + 26 characters). `InitialInstanceCount`, the timeouts and `VolumeSizeInGB` only when > 0;
  `InstanceType`, `AcceleratorType`, `InferenceAmiVersion` only when not empty.
- `expandServerlessConfig`: `MaxConcurrency` and `MemorySizeInMB` always, `ProvisionedConcurrency` when > 0.
- `expandCoreDumpConfig`: `DestinationS3Uri` and `KmsKeyId` always, so `KmsKeyId: ""` when no key is configured.
- `expandManagedInstanceScaling`: `Status` when set, `MinInstanceCount` always (0 when unset), `MaxInstanceCount`
  when > 0.
- `expandDataCaptureConfig`: `EnableCapture` always (`false` when unset), `KmsKeyId` when not empty,
  `CaptureContentTypeHeader` with `CsvContentTypes` / `JsonContentTypes` only when those sets are not empty (the
  provider rejects an empty `capture_content_type_header {}` at plan time).
- `expandEndpointConfigAsyncInferenceConfig`: `ClientConfig.MaxConcurrentInvocationsPerInstance` as configured;
  `OutputConfig.S3OutputPath` always, `KmsKeyId` and `S3FailurePath` when not empty; `notification_config {}`
  (a nil block) becomes `"NotificationConfig": {}`; `IncludeInferenceResponseIn` when the set is not empty.
- `ExecutionRoleArn`, `KmsKeyId` (from `kms_key_arn`), `ShadowProductionVariants`, `Tags` only when set.
- The name: `create.Name(name, name_prefix)`: the name, else `name_prefix` + 26 characters, else `terraform-` + 26.
- The Go SDK v2 serializer writes members in alphabetical order; the bodies below are in that order.
- `aws_sagemaker_model`: `expandContainer` sends `Image` and `Mode` (schema default `SingleModel`).
"""
import copy
import datetime
import itertools
import random

REGION = "us-east-1"
ACCOUNT = "123456789012"
# data "aws_sagemaker_prebuilt_ecr_image" "test" { repository_name = "kmeans" } in us-east-1 (image_tag "1").
KMEANS_IMAGE = "382416733822.dkr.ecr.us-east-1.amazonaws.com/kmeans:1"
KMS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

_counter = itertools.count(1)


def unique_id(prefix="terraform-"):
    """sdkid.PrefixedUniqueId: prefix + UTC time to 1/10000 s (18 digits) + an 8-hex-digit process counter."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return "%s%s%04d%08x" % (prefix, now.strftime("%Y%m%d%H%M%S"), now.microsecond // 100, next(_counter))


def random_name():
    """sdkacctest.RandomWithPrefix(acctest.ResourcePrefix): "tf-acc-test-" and a random non-negative int64."""
    return "tf-acc-test-%d" % random.randrange(2 ** 63)


def go_order(value):
    """The member order of the Go SDK v2 JSON serializer: alphabetical, at every level."""
    if isinstance(value, dict):
        return {key: go_order(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [go_order(item) for item in value]
    return value


def role_arn(name):
    return "arn:aws:iam::%s:role/%s" % (ACCOUNT, name)


def model_body(name):
    """CreateModel for the acceptance tests' base config:

    resource "aws_sagemaker_model" "test" {
      name               = rName
      execution_role_arn = aws_iam_role.test.arn
      primary_container {
        image = data.aws_sagemaker_prebuilt_ecr_image.test.registry_path
      }
    }
    """
    return go_order({
        "ExecutionRoleArn": role_arn(name),
        "ModelName": name,
        "PrimaryContainer": {"Image": KMEANS_IMAGE, "Mode": "SingleModel"},
    })


def _variant(model, name="variant-1", count=2, instance_type="ml.t2.medium", weight=1, **extra):
    """A production variant block that names a model, as expandProductionVariants sends it."""
    variant = {"EnableSSMAccess": False, "InitialVariantWeight": weight, "ModelName": model, "VariantName": name}
    if count:
        variant["InitialInstanceCount"] = count
    if instance_type:
        variant["InstanceType"] = instance_type
    variant.update(extra)
    return variant


def _scenario(name, hcl, body, rname, tag_steps=None):
    return {
        "name": name,
        "hcl": hcl.strip("\n"),
        "model": model_body(rname),
        "body": go_order(body),
        "tag_steps": tag_steps or [],
    }


def build_scenarios():
    """One entry per acceptance scenario, with fresh random and generated names."""
    scenarios = []

    def add(name, hcl, make_body, tag_steps=None):
        rname = random_name()
        body = make_body(rname)
        scenarios.append(_scenario(name, hcl.replace("RNAME", rname), body, rname, tag_steps))

    add("basic", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name = "RNAME"
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 2
    instance_type          = "ml.t2.medium"
    initial_variant_weight = 1
  }
}""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r)]})

    add("name_generated", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 2
    instance_type          = "ml.t2.medium"
  }
}""", lambda r: {"EndpointConfigName": unique_id(), "ProductionVariants": [_variant(r)]})

    add("name_prefix", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name_prefix = "tf-acc-test-prefix-"
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 2
    instance_type          = "ml.t2.medium"
  }
}""", lambda r: {"EndpointConfigName": unique_id("tf-acc-test-prefix-"), "ProductionVariants": [_variant(r)]})

    add("shadow_production_variants", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name = "RNAME"
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 2
    instance_type          = "ml.t2.medium"
    initial_variant_weight = 1
  }
  shadow_production_variants {
    variant_name           = "variant-2"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 2
    instance_type          = "ml.t2.medium"
    initial_variant_weight = 1
  }
}""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r)],
                 "ShadowProductionVariants": [_variant(r, "variant-2")]})

    add("routing_config", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name = "RNAME"
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 2
    instance_type          = "ml.t2.medium"
    routing_config {
      routing_strategy = "RANDOM"
    }
  }
}""", lambda r: {"EndpointConfigName": r,
                 "ProductionVariants": [_variant(r, RoutingConfig={"RoutingStrategy": "RANDOM"})]})

    add("serverless", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name = "RNAME"
  production_variants {
    variant_name = "variant-1"
    model_name   = aws_sagemaker_model.test.name
    serverless_config {
      max_concurrency   = 1
      memory_size_in_mb = 1024
    }
  }
}""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(
        r, count=None, instance_type=None, ServerlessConfig={"MaxConcurrency": 1, "MemorySizeInMB": 1024})]})

    add("serverless_provisioned_concurrency", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name = "RNAME"
  production_variants {
    variant_name = "variant-1"
    model_name   = aws_sagemaker_model.test.name
    serverless_config {
      max_concurrency         = 2
      memory_size_in_mb       = 2048
      provisioned_concurrency = 1
    }
  }
}""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(
        r, count=None, instance_type=None,
        ServerlessConfig={"MaxConcurrency": 2, "MemorySizeInMB": 2048, "ProvisionedConcurrency": 1})]})

    add("inference_ami_version", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name = "RNAME"
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 1
    instance_type          = "ml.g5.xlarge"
    inference_ami_version  = "al2-ami-sagemaker-inference-gpu-2"
  }
}""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(
        r, count=1, instance_type="ml.g5.xlarge", InferenceAmiVersion="al2-ami-sagemaker-inference-gpu-2")]})

    add("initial_variant_weight", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name = "RNAME"
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 1
    instance_type          = "ml.t2.medium"
  }
  production_variants {
    variant_name           = "variant-2"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 1
    instance_type          = "ml.t2.medium"
    initial_variant_weight = 0.5
  }
}""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [
        _variant(r, count=1), _variant(r, "variant-2", count=1, weight=0.5)]})

    add("weights_one_and_two", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name = "RNAME"
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 1
    instance_type          = "ml.t2.medium"
    initial_variant_weight = 1
  }
  production_variants {
    variant_name           = "variant-2"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 1
    instance_type          = "ml.t2.medium"
    initial_variant_weight = 2
  }
}""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [
        _variant(r, count=1, weight=1), _variant(r, "variant-2", count=1, weight=2)]})

    # Not the Go SDK's spelling (it writes `1`), but AWS-BEHAVIOR §4 lists `1.0` among the weights clients send.
    add("weights_written_as_floats", """
# same HCL as weights_one_and_two with weights 1.0 and 0.5, sent with the floats written `1.0` and `0.5`
""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [
        _variant(r, count=1, weight=1.0), _variant(r, "variant-2", count=1, weight=0.5)]})

    add("accelerator_type", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name = "RNAME"
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 2
    instance_type          = "ml.t2.medium"
    accelerator_type       = "ml.eia1.medium"
    initial_variant_weight = 1
  }
}""", lambda r: {"EndpointConfigName": r,
                 "ProductionVariants": [_variant(r, AcceleratorType="ml.eia1.medium")]})

    add("variant_name_generated", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name = "RNAME"
  production_variants {
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 2
    instance_type          = "ml.t2.medium"
    initial_variant_weight = 1
  }
}""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r, unique_id())]})

    add("kms_key_id", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name        = "RNAME"
  kms_key_arn = aws_kms_key.test.arn
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 1
    instance_type          = "ml.t2.medium"
    initial_variant_weight = 1
  }
}""", lambda r: {"EndpointConfigName": r, "KmsKeyId": KMS_KEY_ARN, "ProductionVariants": [_variant(r, count=1)]})

    add("tags", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name = "RNAME"
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 1
    instance_type          = "ml.t2.medium"
    initial_variant_weight = 1
  }
  tags = { key1 = "value1" }
}
# step 2: tags = { key1 = "value1updated", key2 = "value2" }
# step 3: tags = { key2 = "value2" }""", lambda r: {
        "EndpointConfigName": r, "ProductionVariants": [_variant(r, count=1)],
        "Tags": [{"Key": "key1", "Value": "value1"}]},
        tag_steps=[{"key1": "value1updated", "key2": "value2"}, {"key2": "value2"}])

    add("data_capture", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name = "RNAME"
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 2
    instance_type          = "ml.t2.medium"
    initial_variant_weight = 1
  }
  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 50
    destination_s3_uri          = "s3://${aws_s3_bucket.test.bucket}/"
    capture_options { capture_mode = "Input" }
    capture_options { capture_mode = "Output" }
    capture_content_type_header {
      json_content_types = ["application/json"]
    }
  }
}""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r)], "DataCaptureConfig": {
        "CaptureContentTypeHeader": {"JsonContentTypes": ["application/json"]},
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        "DestinationS3Uri": "s3://%s/" % r, "EnableCapture": True, "InitialSamplingPercentage": 50}})

    add("data_capture_csv_and_json", """
  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 100
    destination_s3_uri          = "s3://${aws_s3_bucket.test.bucket}/capture"
    kms_key_id                  = aws_kms_key.test.arn
    capture_options { capture_mode = "Input" }
    capture_options { capture_mode = "Output" }
    capture_content_type_header {
      csv_content_types  = ["text/csv"]
      json_content_types = ["application/json", "application/jsonlines"]
    }
  }""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r)], "DataCaptureConfig": {
        "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"],
                                     "JsonContentTypes": ["application/json", "application/jsonlines"]},
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        "DestinationS3Uri": "s3://%s/capture" % r, "EnableCapture": True, "InitialSamplingPercentage": 100,
        "KmsKeyId": KMS_KEY_ARN}})

    add("data_capture_csv_only_disabled", """
  data_capture_config {
    initial_sampling_percentage = 0
    destination_s3_uri          = "s3://${aws_s3_bucket.test.bucket}/"
    capture_options { capture_mode = "InputAndOutput" }
    capture_content_type_header {
      csv_content_types = ["text/csv"]
    }
  }
# enable_capture unset: the provider sends EnableCapture = false""", lambda r: {
        "EndpointConfigName": r, "ProductionVariants": [_variant(r)], "DataCaptureConfig": {
            "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"]},
            "CaptureOptions": [{"CaptureMode": "InputAndOutput"}],
            "DestinationS3Uri": "s3://%s/" % r, "EnableCapture": False, "InitialSamplingPercentage": 0}})

    add("data_capture_no_header", """
  data_capture_config {
    enable_capture              = false
    initial_sampling_percentage = 25
    destination_s3_uri          = "s3://${aws_s3_bucket.test.bucket}/"
    capture_options { capture_mode = "Output" }
  }""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r)], "DataCaptureConfig": {
        "CaptureOptions": [{"CaptureMode": "Output"}],
        "DestinationS3Uri": "s3://%s/" % r, "EnableCapture": False, "InitialSamplingPercentage": 25}})

    add("async", """
  async_inference_config {
    output_config {
      s3_output_path = "s3://${aws_s3_bucket.test.bucket}/"
    }
  }""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r)],
                   "AsyncInferenceConfig": {"OutputConfig": {"S3OutputPath": "s3://%s/" % r}}})

    add("async_kms", """
  async_inference_config {
    output_config {
      s3_output_path = "s3://${aws_s3_bucket.test.bucket}/"
      kms_key_id     = aws_kms_key.test.arn
    }
  }""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r)],
                   "AsyncInferenceConfig": {"OutputConfig": {"KmsKeyId": KMS_KEY_ARN,
                                                             "S3OutputPath": "s3://%s/" % r}}})

    add("async_notification", """
  async_inference_config {
    output_config {
      s3_output_path = "s3://${aws_s3_bucket.test.bucket}/"
      kms_key_id     = aws_kms_key.test.arn
      notification_config {
        error_topic   = aws_sns_topic.test.arn
        success_topic = aws_sns_topic.test.arn
      }
    }
  }""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r)], "AsyncInferenceConfig": {
        "OutputConfig": {"KmsKeyId": KMS_KEY_ARN, "S3OutputPath": "s3://%s/" % r, "NotificationConfig": {
            "ErrorTopic": "arn:aws:sns:us-east-1:%s:%s" % (ACCOUNT, r),
            "SuccessTopic": "arn:aws:sns:us-east-1:%s:%s" % (ACCOUNT, r)}}}})

    add("async_notification_include_inference_response_in", """
  async_inference_config {
    output_config {
      s3_output_path = "s3://${aws_s3_bucket.test.bucket}/"
      notification_config {
        error_topic                   = aws_sns_topic.error.arn
        success_topic                 = aws_sns_topic.success.arn
        include_inference_response_in = ["SUCCESS_NOTIFICATION_TOPIC", "ERROR_NOTIFICATION_TOPIC"]
      }
    }
  }""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r)], "AsyncInferenceConfig": {
        "OutputConfig": {"S3OutputPath": "s3://%s/" % r, "NotificationConfig": {
            "ErrorTopic": "arn:aws:sns:us-east-1:%s:%s-error" % (ACCOUNT, r),
            "IncludeInferenceResponseIn": ["SUCCESS_NOTIFICATION_TOPIC", "ERROR_NOTIFICATION_TOPIC"],
            "SuccessTopic": "arn:aws:sns:us-east-1:%s:%s-success" % (ACCOUNT, r)}}}})

    add("async_notification_empty", """
  async_inference_config {
    output_config {
      s3_output_path = "s3://${aws_s3_bucket.test.bucket}/"
      notification_config {}
    }
  }""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r)], "AsyncInferenceConfig": {
        "OutputConfig": {"NotificationConfig": {}, "S3OutputPath": "s3://%s/" % r}}})

    add("async_client_config", """
  async_inference_config {
    client_config {
      max_concurrent_invocations_per_instance = 1
    }
    output_config {
      s3_output_path = "s3://${aws_s3_bucket.test.bucket}/"
      kms_key_id     = aws_kms_key.test.arn
    }
  }""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r)], "AsyncInferenceConfig": {
        "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 1},
        "OutputConfig": {"KmsKeyId": KMS_KEY_ARN, "S3OutputPath": "s3://%s/" % r}}})

    add("async_s3_failure_path", """
  async_inference_config {
    client_config {
      max_concurrent_invocations_per_instance = 4
    }
    output_config {
      s3_output_path  = "s3://${aws_s3_bucket.test.bucket}/"
      s3_failure_path = "s3://${aws_s3_bucket.test.bucket}/failure/"
    }
  }""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(r)], "AsyncInferenceConfig": {
        "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4},
        "OutputConfig": {"S3FailurePath": "s3://%s/failure/" % r, "S3OutputPath": "s3://%s/" % r}}})

    add("core_dump_config", """
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.test.name
    initial_instance_count = 2
    instance_type          = "ml.t2.medium"
    core_dump_config {
      destination_s3_uri = "s3://${aws_s3_bucket.test.bucket}/core-dump/"
    }
  }
# kms_key_id unset: the provider sends CoreDumpConfig.KmsKeyId as an empty string""", lambda r: {
        "EndpointConfigName": r, "ProductionVariants": [_variant(r, CoreDumpConfig={
            "DestinationS3Uri": "s3://%s/core-dump/" % r, "KmsKeyId": ""})]})

    add("enable_ssm_access_and_timeouts", """
  production_variants {
    variant_name                                      = "variant-1"
    model_name                                        = aws_sagemaker_model.test.name
    initial_instance_count                            = 1
    instance_type                                     = "ml.m5.large"
    enable_ssm_access                                 = true
    volume_size_in_gb                                 = 30
    model_data_download_timeout_in_seconds            = 600
    container_startup_health_check_timeout_in_seconds = 900
  }""", lambda r: {"EndpointConfigName": r, "ProductionVariants": [_variant(
        r, count=1, instance_type="ml.m5.large", EnableSSMAccess=True, VolumeSizeInGB=30,
        ModelDataDownloadTimeoutInSeconds=600, ContainerStartupHealthCheckTimeoutInSeconds=900)]})

    # The provider's inference-component acceptance config (inference_component_test.go base config).
    add("inference_component", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name               = "RNAME"
  execution_role_arn = aws_iam_role.test.arn
  production_variants {
    variant_name           = "variant-1"
    instance_type          = "ml.g5.xlarge"
    initial_instance_count = 1
    managed_instance_scaling {
      status             = "ENABLED"
      min_instance_count = 1
      max_instance_count = 1
    }
    routing_config {
      routing_strategy = "LEAST_OUTSTANDING_REQUESTS"
    }
  }
}""", lambda r: {"EndpointConfigName": r, "ExecutionRoleArn": role_arn(r), "ProductionVariants": [{
        "InitialInstanceCount": 1, "InstanceType": "ml.g5.xlarge",
        "ManagedInstanceScaling": {"MaxInstanceCount": 1, "MinInstanceCount": 1, "Status": "ENABLED"},
        "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}, "VariantName": "variant-1"}]})

    add("inference_component_min_instance_count_unset", """
resource "aws_sagemaker_endpoint_configuration" "test" {
  name               = "RNAME"
  execution_role_arn = aws_iam_role.test.arn
  production_variants {
    variant_name           = "variant-1"
    instance_type          = "ml.g5.xlarge"
    initial_instance_count = 1
    managed_instance_scaling {
      status             = "ENABLED"
      max_instance_count = 2
    }
  }
}
# min_instance_count unset: the provider sends ManagedInstanceScaling.MinInstanceCount = 0""", lambda r: {
        "EndpointConfigName": r, "ExecutionRoleArn": role_arn(r), "ProductionVariants": [{
            "InitialInstanceCount": 1, "InstanceType": "ml.g5.xlarge",
            "ManagedInstanceScaling": {"MaxInstanceCount": 2, "MinInstanceCount": 0, "Status": "ENABLED"},
            "VariantName": "variant-1"}]})

    return scenarios


SCENARIOS = build_scenarios()


def scenario(name):
    """A deep copy of the scenario called `name`."""
    for entry in SCENARIOS:
        if entry["name"] == name:
            return copy.deepcopy(entry)
    raise KeyError(name)
