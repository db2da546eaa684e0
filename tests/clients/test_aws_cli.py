"""The AWS CLI, unchanged, against sagebox: --endpoint-url on every call, and once each AWS_ENDPOINT_URL_SAGEMAKER
and AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import client_support  # noqa: F401  (sets up the import path)
from sagebox_harness import SageboxTestCase, endpoint_config_arn, model_arn, model_input

ROLE = "arn:aws:iam::123456789012:role/sagemaker"


def endpoint_arn(name):
    return "arn:aws:sagemaker:us-east-1:123456789012:endpoint/%s" % name.lower()


class AwsCliTest(SageboxTestCase):
    def aws(self, *args, use_env_endpoint=False, service="sagemaker"):
        env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="secret",
                   AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="", AWS_MAX_ATTEMPTS="1")
        env.pop("AWS_PROFILE", None)
        command = ["aws", service, *args, "--output", "json"]
        endpoint = "http://127.0.0.1:%d" % self.server.port
        if use_env_endpoint:
            # The service's own variable (AWS_ENDPOINT_URL_ and its service id in capitals, "_" for " " and "-");
            # the general one names a port where nothing listens, so a call that works read the service's.
            env["AWS_ENDPOINT_URL_" + service.upper().replace("-", "_")] = endpoint
            env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"
        else:
            command += ["--endpoint-url", endpoint]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        output = json.loads(result.stdout) if result.stdout.strip() else None
        return result.returncode, output, result.stderr.strip()

    def ok(self, *args, **kwargs):
        code, output, stderr = self.aws(*args, **kwargs)
        self.assertEqual(code, 0, stderr)
        return output

    def create_model(self, name="m"):
        return self.ok("create-model", "--model-name", name, "--execution-role-arn", ROLE,
                       "--primary-container", "Image=123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest")

    def test_seed_example(self):
        self.assertEqual(self.create_model()["ModelArn"], model_arn("m"))
        created = self.ok("create-endpoint-config", "--endpoint-config-name", "my-endpoint-config",
                          "--production-variants",
                          "VariantName=variant-1,ModelName=m,InitialInstanceCount=1,InstanceType=ml.t2.medium",
                          "--tags", "Key=Name,Value=foo")
        self.assertEqual(created, {"EndpointConfigArn": endpoint_config_arn("my-endpoint-config")})
        described = self.ok("describe-endpoint-config", "--endpoint-config-name", "my-endpoint-config")
        described.pop("CreationTime")
        self.assertEqual(described, {
            "EndpointConfigName": "my-endpoint-config",
            "EndpointConfigArn": endpoint_config_arn("my-endpoint-config"),
            "ProductionVariants": [{"VariantName": "variant-1", "ModelName": "m", "InitialInstanceCount": 1,
                                    "InstanceType": "ml.t2.medium", "InitialVariantWeight": 1.0}],
        })
        tags = self.ok("list-tags", "--resource-arn", endpoint_config_arn("my-endpoint-config"))
        self.assertEqual(tags["Tags"], [{"Key": "Name", "Value": "foo"}])

    def test_every_optional_block_from_json(self):
        from sagebox_harness import full_endpoint_config_input
        self.create_model("m")
        config = full_endpoint_config_input("full", "m")
        # The CLI validates against its own, older copy of the model, which lacks this member.
        config["MetricsConfig"].pop("EnableDetailedObservability")
        self.ok("create-endpoint-config", "--cli-input-json", json.dumps(config))
        described = self.ok("describe-endpoint-config", "--endpoint-config-name", "full")
        self.assertEqual(described["AsyncInferenceConfig"], config["AsyncInferenceConfig"])
        self.assertEqual(described["ExplainerConfig"], config["ExplainerConfig"])
        self.assertEqual(described["DataCaptureConfig"], config["DataCaptureConfig"])

    def test_environment_endpoint_variable(self):
        self.create_model("m")
        listed = self.ok("list-models", use_env_endpoint=True)
        self.assertEqual([m["ModelName"] for m in listed["Models"]], ["m"])

    def test_list_paginates_through_every_page(self):
        self.create_model("m")
        for i in range(12):
            self.ok("create-endpoint-config", "--endpoint-config-name", "c-%02d" % i, "--production-variants",
                    "VariantName=v,ModelName=m,ServerlessConfig={MemorySizeInMB=1024,MaxConcurrency=1}")
        # The CLI follows NextToken itself; --page-size makes it take several pages.
        listed = self.ok("list-endpoint-configs", "--page-size", "5", "--sort-by", "Name", "--sort-order", "Ascending")
        self.assertEqual([c["EndpointConfigName"] for c in listed["EndpointConfigs"]], ["c-%02d" % i for i in range(12)])
        first = self.ok("list-endpoint-configs", "--max-items", "5")
        self.assertEqual(len(first["EndpointConfigs"]), 5)
        self.assertIn("NextToken", first)

    def test_tags_add_list_delete(self):
        arn = self.create_model("m")["ModelArn"]
        self.ok("add-tags", "--resource-arn", arn, "--tags", "Key=a,Value=1", "Key=b,Value=2")
        self.ok("delete-tags", "--resource-arn", arn, "--tag-keys", "a")
        self.assertEqual(self.ok("list-tags", "--resource-arn", arn)["Tags"], [{"Key": "b", "Value": "2"}])

    def test_delete(self):
        self.create_model("m")
        self.ok("delete-model", "--model-name", "m")
        self.assertEqual(self.ok("list-models")["Models"], [])

    def test_errors_as_the_cli_prints_them(self):
        self.create_model("m")
        code, _, stderr = self.aws("describe-endpoint-config", "--endpoint-config-name", "Missing")
        self.assertNotEqual(code, 0)
        self.assertIn("An error occurred (ValidationException) when calling the DescribeEndpointConfig operation: "
                      'Could not find endpoint configuration "%s".' % endpoint_config_arn("missing"), stderr)
        code, _, stderr = self.aws("create-model", "--model-name", "M", "--execution-role-arn", ROLE)
        self.assertIn("An error occurred (ValidationException) when calling the CreateModel operation: "
                      'Cannot create already existing model "%s".' % model_arn("m"), stderr)
        code, _, stderr = self.aws("describe-endpoint-config", "--endpoint-config-name", "my_config")
        self.assertIn("An error occurred (ValidationException) when calling the DescribeEndpointConfig operation: "
                      "1 validation error detected: Value 'my_config' at 'endpointConfigName' failed to satisfy "
                      "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
                      stderr)

    def test_endpoint_walkthrough(self):
        """README's endpoint commands, in its order: create, wait, update, update weights and capacities, describe,
        delete, wait; then describe fails. The model and configurations they use are made over plain HTTP, as
        README makes them (test_seed_example runs those commands): each aws invocation costs a second."""
        self.client.ok("CreateModel", model_input("m"))
        for name, instance_type in (("my-endpoint-config", "ml.t2.medium"), ("my-endpoint-config-2", "ml.m5.large")):
            self.client.ok("CreateEndpointConfig", {"EndpointConfigName": name, "ProductionVariants": [{
                "VariantName": "variant-1", "ModelName": "m", "InitialInstanceCount": 1,
                "InstanceType": instance_type}]})
        arn = endpoint_arn("my-endpoint")
        created = self.ok("create-endpoint", "--endpoint-name", "my-endpoint",
                          "--endpoint-config-name", "my-endpoint-config")
        self.assertEqual(created, {"EndpointArn": arn})

        # The waiter sleeps 30 s after any answer but InService: a few seconds means it returned on its first look
        # (the CLI itself takes about one to start).
        started = time.monotonic()
        self.assertIsNone(self.ok("wait", "endpoint-in-service", "--endpoint-name", "my-endpoint"))
        self.assertLess(time.monotonic() - started, 10)

        self.assertEqual(self.ok("update-endpoint", "--endpoint-name", "my-endpoint",
                                 "--endpoint-config-name", "my-endpoint-config-2"), {"EndpointArn": arn})
        self.assertEqual(self.ok("update-endpoint-weights-and-capacities", "--endpoint-name", "my-endpoint",
                                 "--desired-weights-and-capacities", "VariantName=variant-1,DesiredInstanceCount=2"),
                         {"EndpointArn": arn})

        described = self.ok("describe-endpoint", "--endpoint-name", "my-endpoint")
        # The CLI (v1) prints timestamps as they came: epoch seconds.
        created_at, modified_at = described.pop("CreationTime"), described.pop("LastModifiedTime")
        self.assertAlmostEqual(created_at, time.time(), delta=60)
        self.assertGreaterEqual(modified_at, created_at)
        images = described["ProductionVariants"][0].pop("DeployedImages")
        self.assertEqual([image["SpecifiedImage"] for image in images],
                         ["123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest"])
        self.assertEqual(described, {
            "EndpointName": "my-endpoint", "EndpointArn": arn, "EndpointConfigName": "my-endpoint-config-2",
            "EndpointStatus": "InService",
            "ProductionVariants": [{"VariantName": "variant-1", "CurrentWeight": 1.0, "DesiredWeight": 1.0,
                                    "CurrentInstanceCount": 2, "DesiredInstanceCount": 2}],
        })

        self.assertIsNone(self.ok("delete-endpoint", "--endpoint-name", "my-endpoint"))
        started = time.monotonic()
        self.assertIsNone(self.ok("wait", "endpoint-deleted", "--endpoint-name", "my-endpoint"))
        self.assertLess(time.monotonic() - started, 10)

        code, output, stderr = self.aws("describe-endpoint", "--endpoint-name", "my-endpoint")
        self.assertNotEqual(code, 0)
        self.assertIsNone(output)
        self.assertEqual(stderr, "An error occurred (ValidationException) when calling the DescribeEndpoint "
                                 'operation: Could not find endpoint "%s".' % arn)

    def test_waiter_meets_a_scripted_failure(self):
        """A lifecycle rule makes the create fail: the first look of `wait endpoint-in-service` sees Failed, a
        terminal state for the waiter, which ends at once with failure (no 30 s sleep)."""
        reason = ("CannotStartContainerError. Please ensure the model container for variant variant-1 starts "
                  "correctly when invoked with 'docker run <image> serve'")
        rule = {"resource": "endpoint", "name": "doomed", "on": "create", "outcome": "fail", "reason": reason}
        self.assertEqual(self.client.request("POST", "/_sagebox/lifecycle", json.dumps(rule).encode()).status, 200)
        self.client.ok("CreateModel", model_input("m"))
        self.client.ok("CreateEndpointConfig", {"EndpointConfigName": "c", "ProductionVariants": [{
            "VariantName": "variant-1", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.t2.medium"}]})
        self.ok("create-endpoint", "--endpoint-name", "doomed", "--endpoint-config-name", "c")
        started = time.monotonic()
        code, _, stderr = self.aws("wait", "endpoint-in-service", "--endpoint-name", "doomed")
        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual(code, 255, stderr)
        self.assertIn("Waiter EndpointInService failed: Waiter encountered a terminal failure state", stderr)
        described = self.ok("describe-endpoint", "--endpoint-name", "doomed")
        self.assertEqual((described["EndpointStatus"], described["FailureReason"]), ("Failed", reason))
        self.assertDictEqual(self.client.request("DELETE", "/_sagebox/lifecycle").json, {"deleted": 1})


    # --- the SageMaker Runtime -----------------------------------------------------------------------------------

    def deploy(self, endpoint="e1"):
        """A model, a configuration with one variant and an endpoint, over plain HTTP: each aws call costs a second."""
        self.client.ok("CreateModel", model_input("m"))
        self.client.ok("CreateEndpointConfig", {"EndpointConfigName": "c", "ProductionVariants": [{
            "VariantName": "variant-1", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.t2.medium"}]})
        self.client.ok("CreateEndpoint", {"EndpointName": endpoint, "EndpointConfigName": "c"})

    def invoke_endpoint(self, outfile, *args, **kwargs):
        return self.aws("invoke-endpoint", "--endpoint-name", "e1", "--body", "1,2,3", "--content-type", "text/csv",
                        *args, outfile, service="sagemaker-runtime", **kwargs)

    def test_invoke_endpoint_writes_the_answer_to_the_outfile(self):
        self.deploy()
        echo = {"Endpoint": "e1", "Variant": "variant-1", "Model": "m", "ContentType": "text/csv",
                "Accept": "application/json", "CustomAttributes": "", "BodyLength": 5}
        with tempfile.TemporaryDirectory(prefix="sagebox-cli-") as folder:
            for use_env_endpoint in (False, True):
                with self.subTest(use_env_endpoint=use_env_endpoint):
                    outfile = os.path.join(folder, "answer-%s.json" % use_env_endpoint)
                    code, printed, stderr = self.invoke_endpoint(outfile, "--accept", "application/json",
                                                                 use_env_endpoint=use_env_endpoint)
                    self.assertEqual(code, 0, stderr)
                    self.assertEqual(printed, {"ContentType": "application/json",
                                               "InvokedProductionVariant": "variant-1"})
                    with open(outfile, "rb") as f:
                        self.assertEqual(json.loads(f.read()), echo)

            # Custom attributes travel to the model and back, and the CLI prints them.
            outfile = os.path.join(folder, "attributes.json")
            printed = self.invoke_endpoint(outfile, "--custom-attributes", "trace=7")[1]
            self.assertEqual(printed, {"ContentType": "application/json", "InvokedProductionVariant": "variant-1",
                                       "CustomAttributes": "trace=7"})
            with open(outfile, "rb") as f:
                self.assertEqual(json.loads(f.read())["CustomAttributes"], "trace=7")

    def test_invoke_endpoint_errors_as_the_cli_prints_them(self):
        with tempfile.TemporaryDirectory(prefix="sagebox-cli-") as folder:
            outfile = os.path.join(folder, "answer")
            code, printed, stderr = self.invoke_endpoint(outfile)
            self.assertIn(code, (254, 255), stderr)
            self.assertIsNone(printed)
            self.assertEqual(stderr, "An error occurred (ValidationError) when calling the InvokeEndpoint operation: "
                                     "Endpoint e1 of account 123456789012 not found.")
            self.assertFalse(os.path.exists(outfile))


if __name__ == "__main__":
    client_support.require(shutil.which("aws") is not None, "AWS CLI tests", "install the AWS CLI: scripts/setup")
    unittest.main()
