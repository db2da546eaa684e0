// Schema::validate on the largest input sagebox serves: a CreateEndpointConfig with every optional block
// filled, as Terraform would send it. Run with scripts/bench-validate (Release build).
#include <benchmark/benchmark.h>

#include "sagebox/error.hpp"
#include "sagebox/schema/schema.hpp"

namespace {

using sagebox::Json;
using sagebox::schema::Schema;

Json variant(const std::string& name, double weight) {
  return Json::parse(R"({
    "VariantName": ")" +
                     name + R"(",
    "ModelName": "terraform-20240101000000000000000001",
    "InitialInstanceCount": 2,
    "InstanceType": "ml.m5.xlarge",
    "VariantInstanceProvisionTimeoutInSeconds": 1800,
    "InitialVariantWeight": )" +
                     std::to_string(weight) + R"(,
    "CoreDumpConfig": {"DestinationS3Uri": "s3://my-bucket/core-dumps/", "KmsKeyId": ""},
    "VolumeSizeInGB": 64,
    "ModelDataDownloadTimeoutInSeconds": 1200,
    "ContainerStartupHealthCheckTimeoutInSeconds": 600,
    "EnableSSMAccess": false,
    "ManagedInstanceScaling": {"Status": "ENABLED", "MinInstanceCount": 0, "MaxInstanceCount": 4},
    "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
    "InferenceAmiVersion": "al2-ami-sagemaker-inference-gpu-2"
  })");
}

Json full_create_endpoint_config() {
  Json input = Json::parse(R"({
    "EndpointConfigName": "terraform-20240101000000000000000002",
    "DataCaptureConfig": {
      "EnableCapture": true,
      "InitialSamplingPercentage": 50,
      "DestinationS3Uri": "s3://my-bucket/capture/",
      "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
      "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"], "JsonContentTypes": ["application/json"]}
    },
    "Tags": [{"Key": "team", "Value": "ml-platform"}, {"Key": "env", "Value": "staging"},
             {"Key": "名前", "Value": "café ü"}],
    "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "AsyncInferenceConfig": {
      "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4},
      "OutputConfig": {
        "KmsKeyId": "alias/my-key",
        "S3OutputPath": "s3://my-bucket/async-out/",
        "NotificationConfig": {
          "SuccessTopic": "arn:aws:sns:us-east-1:123456789012:success",
          "ErrorTopic": "arn:aws:sns:us-east-1:123456789012:error",
          "IncludeInferenceResponseIn": ["SUCCESS_NOTIFICATION_TOPIC", "ERROR_NOTIFICATION_TOPIC"]
        },
        "S3FailurePath": "s3://my-bucket/async-failures/"
      }
    },
    "ExplainerConfig": {
      "ClarifyExplainerConfig": {
        "EnableExplanations": "`true`",
        "InferenceConfig": {"FeaturesAttribute": "features", "ContentTemplate": "{\"features\":$features}",
                            "MaxRecordCount": 10, "MaxPayloadInMB": 6, "ProbabilityIndex": 0,
                            "FeatureHeaders": ["age", "income"], "FeatureTypes": ["numerical", "numerical"]},
        "ShapConfig": {"ShapBaselineConfig": {"MimeType": "text/csv", "ShapBaseline": "1,2"},
                       "NumberOfSamples": 100, "UseLogit": false, "Seed": 42}
      }
    },
    "ExecutionRoleArn": "arn:aws:iam::123456789012:role/service-role/SageMakerRole",
    "VpcConfig": {"SecurityGroupIds": ["sg-0123456789abcdef0"],
                  "Subnets": ["subnet-0123456789abcdef0", "subnet-1"]},
    "EnableNetworkIsolation": true,
    "MetricsConfig": {"EnableEnhancedMetrics": true, "MetricPublishFrequencyInSeconds": 60}
  })");
  input["ProductionVariants"] = Json::array({variant("primary", 0.7), variant("secondary", 0.3)});
  input["ShadowProductionVariants"] = Json::array({variant("shadow", 1.0)});
  return input;
}

void BM_ValidateFullCreateEndpointConfig(benchmark::State& state) {
  const Schema& schema = Schema::embedded();
  const Json input = full_create_endpoint_config();
  // Fail loudly rather than time the error path.
  schema.validate("CreateEndpointConfigInput", input);
  for (auto _ : state) {
    Json out = schema.validate("CreateEndpointConfigInput", input);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_ValidateFullCreateEndpointConfig);

void BM_ValidateInvalidCreateEndpointConfig(benchmark::State& state) {
  const Schema& schema = Schema::embedded();
  Json input = full_create_endpoint_config();
  input["EndpointConfigName"] = "my_config";
  for (auto _ : state) {
    try {
      schema.validate("CreateEndpointConfigInput", input);
    } catch (const sagebox::ApiError& e) {
      benchmark::DoNotOptimize(e.message().data());
    }
  }
}
BENCHMARK(BM_ValidateInvalidCreateEndpointConfig);

}  // namespace

BENCHMARK_MAIN();
