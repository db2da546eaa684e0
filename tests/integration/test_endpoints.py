"""The real binary over HTTP: CreateEndpoint, DescribeEndpoint, UpdateEndpoint, UpdateEndpointWeightsAndCapacities,
DeleteEndpoint, ListEndpoints and tags on endpoint ARNs (AWS-BEHAVIOR.md §3 "Endpoints"), with the default
--transition-delay 0 (every change is done when its response arrives) and with a delay (Creating, Updating and
Deleting last DELAY seconds)."""
import hashlib
import json
import math
import threading
import time
import unittest

from sagebox_harness import (SageboxTestCase, endpoint_arn, endpoint_config_arn, full_endpoint_config_input,
                             inference_component_endpoint_config_input, model_arn, model_input,
                             serverless_endpoint_config_input)

DELAY = 1.0  # seconds, in the classes started with --transition-delay
IMAGE = model_input("m")["PrimaryContainer"]["Image"]
REPOSITORY = IMAGE.rsplit(":", 1)[0]
# What Terraform sends, and compares with LastDeploymentConfig.
BLUE_GREEN = {"BlueGreenUpdatePolicy": {
    "TrafficRoutingConfiguration": {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 0}, "TerminationWaitInSeconds": 0}}
ROLLING = {"RollingUpdatePolicy": {"MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 50},
                                   "WaitIntervalInSeconds": 60, "MaximumExecutionTimeoutInSeconds": 600},
           "AutoRollbackConfiguration": {"Alarms": [{"AlarmName": "errors"}]}}
# DescribeEndpointOutput's members in the AWS model's order: how SageMaker serializes the document.
DESCRIBE_ORDER = ["EndpointName", "EndpointArn", "EndpointConfigName", "ProductionVariants", "DataCaptureConfig",
                  "EndpointStatus", "FailureReason", "CreationTime", "LastModifiedTime", "LastDeploymentConfig",
                  "AsyncInferenceConfig", "PendingDeploymentSummary", "ExplainerConfig", "ShadowProductionVariants",
                  "MetricsConfig"]
IN_PROGRESS = ("Creating", "Updating", "Deleting")


def ms(timestamp):
    """A response's epoch seconds as the whole milliseconds the server keeps."""
    return round(timestamp * 1000)


def deployed_image(image, repository, at):
    """A DeployedImage: the repository pinned by a digest derived from the image text (sagebox's choice)."""
    return {"SpecifiedImage": image,
            "ResolvedImage": repository + "@sha256:" + hashlib.sha256(image.encode()).hexdigest(),
            "ResolutionTime": at}


def pending_summary(config, variant, weight, count, start):
    """The PendingDeploymentSummary of `config`, with one instance_variant of model "m", deployed from `start`."""
    return {"EndpointConfigName": config,
            "ProductionVariants": [{
                "VariantName": variant, "DeployedImages": [deployed_image(IMAGE, REPOSITORY, start)],
                "DesiredWeight": weight, "DesiredInstanceCount": count, "InstanceType": "ml.t2.medium",
                "VariantStatus": [{"Status": "Creating", "StatusMessage": "Creating the variant's capacity.",
                                   "StartTime": start}]}],
            "StartTime": start}


def instance_variant(name="v", model="m", count=1, **extra):
    return dict({"VariantName": name, "ModelName": model, "InitialInstanceCount": count,
                 "InstanceType": "ml.t2.medium"}, **extra)


def capture(enabled=None, kms=None, percent=50):
    config = {"InitialSamplingPercentage": percent, "DestinationS3Uri": "s3://bucket/capture",
              "CaptureOptions": [{"CaptureMode": "Input"}]}
    if enabled is not None:
        config["EnableCapture"] = enabled
    if kms is not None:
        config["KmsKeyId"] = kms
    return config


def capture_summary(enabled=True, kms=None, percent=50):
    summary = {"EnableCapture": enabled, "CaptureStatus": "Started" if enabled else "Stopped",
               "CurrentSamplingPercentage": percent, "DestinationS3Uri": "s3://bucket/capture"}
    if kms is not None:
        summary["KmsKeyId"] = kms
    return summary


def not_found(name):
    return 'Could not find endpoint "%s".' % endpoint_arn(name)


def config_not_found(name):
    return 'Could not find endpoint configuration "%s".' % endpoint_config_arn(name)


def model_not_found(name):
    return 'Could not find model "%s".' % model_arn(name)


def already_exists(name):
    return 'Cannot create already existing endpoint "%s".' % endpoint_arn(name)


def in_progress(name):
    return 'Cannot update in-progress endpoint "%s".' % endpoint_arn(name)


def same_config(name):
    return 'Cannot update endpoint with the currently in use endpoint configuration "%s".' % name


def weights(variant, weight=None, count=None, serverless=None):
    """One DesiredWeightAndCapacity."""
    desired = {"VariantName": variant}
    if weight is not None:
        desired["DesiredWeight"] = weight
    if count is not None:
        desired["DesiredInstanceCount"] = count
    if serverless is not None:
        desired["ServerlessUpdateConfig"] = serverless
    return desired


def current_and_desired(summary):
    """(Current*, Desired*) of a ProductionVariantSummary, as two dicts keyed by what follows the prefix."""
    current = {k[len("Current"):]: v for k, v in summary.items() if k.startswith("Current")}
    desired = {k[len("Desired"):]: v for k, v in summary.items() if k.startswith("Desired")}
    return current, desired


class EndpointTestCase(SageboxTestCase):
    """A model "m" (model_input) exists in every test."""

    def setUp(self):
        super().setUp()
        self.client.ok("CreateModel", model_input("m"))

    def create_config(self, name="c", variants=None, **extra):
        config = dict({"EndpointConfigName": name, "ProductionVariants": variants or [instance_variant()]}, **extra)
        return self.client.ok("CreateEndpointConfig", config)["EndpointConfigArn"]

    def try_create(self, name="e", config="c", **extra):
        return self.client.call("CreateEndpoint", dict({"EndpointName": name, "EndpointConfigName": config}, **extra))

    def create(self, name="e", config="c", **extra):
        response = self.try_create(name, config, **extra)
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.json, {"EndpointArn": endpoint_arn(name)})
        return response.json["EndpointArn"]

    def try_describe(self, name="e"):
        return self.client.call("DescribeEndpoint", {"EndpointName": name})

    def describe(self, name="e"):
        response = self.try_describe(name)
        self.assertEqual(response.status, 200, response)
        return response.json

    def update(self, name="e", config="c", **extra):
        return self.client.call("UpdateEndpoint", dict({"EndpointName": name, "EndpointConfigName": config}, **extra))

    def update_weights(self, name, *desired):
        return self.client.call("UpdateEndpointWeightsAndCapacities",
                                {"EndpointName": name, "DesiredWeightsAndCapacities": list(desired)})

    def delete(self, name="e"):
        return self.client.call("DeleteEndpoint", {"EndpointName": name})

    def tags(self, name):
        return self.client.ok("ListTags", {"ResourceArn": endpoint_arn(name)})["Tags"]

    def assertRejected(self, response, message):
        self.assertError(response, 400, "ValidationException", message)

    def assertGoneAndFree(self, name):
        """Endpoint `name` (tagged, on configuration "c") is gone: not found, its tags with it, not listed; then its
        name is free, and the endpoint created again has only its own tags."""
        self.assertRejected(self.try_describe(name), not_found(name))
        self.assertRejected(self.delete(name), not_found(name))
        self.assertRejected(self.update(name, "c"), not_found(name))
        self.assertRejected(self.client.call("ListTags", {"ResourceArn": endpoint_arn(name)}),
                            "Resource does not exist")
        self.assertEqual(self.client.ok("ListEndpoints", {})["Endpoints"], [])
        self.create(name, "c", Tags=[{"Key": "new", "Value": "2"}])
        self.assertEqual(self.tags(name), [{"Key": "new", "Value": "2"}])

    def assertChanges(self, name, message):
        """Update (to another configuration), UpdateWeights and Delete are all refused with `message`."""
        variant = self.describe(name).get("ProductionVariants", [{"VariantName": "v"}])[0]["VariantName"]
        self.assertRejected(self.update(name, "other"), message)
        self.assertRejected(self.update_weights(name, weights(variant, weight=0.5)), message)
        self.assertRejected(self.delete(name), message)


class EndpointTest(EndpointTestCase):
    """--transition-delay 0: every Describe after a change already shows it done."""

    def test_create_then_describe_is_in_service_byte_for_byte(self):
        self.create_config("c")
        before = time.time()
        self.create("My-Endpoint", "c")
        after = time.time()
        response = self.try_describe("my-endpoint")
        self.assertEqual(response.status, 200)
        created = response.json["CreationTime"]
        self.assertGreaterEqual(ms(created), math.floor(before * 1000))
        self.assertLessEqual(ms(created), math.ceil(after * 1000))
        self.assertEqual(round(created, 3), created)
        expected = {
            "EndpointName": "My-Endpoint",
            "EndpointArn": endpoint_arn("my-endpoint"),
            "EndpointConfigName": "c",
            "ProductionVariants": [{"VariantName": "v", "DeployedImages": [deployed_image(IMAGE, REPOSITORY, created)],
                                    "CurrentWeight": 1.0, "DesiredWeight": 1.0,
                                    "CurrentInstanceCount": 1, "DesiredInstanceCount": 1}],
            "EndpointStatus": "InService",
            "CreationTime": created,
            "LastModifiedTime": created,
        }
        self.assertEqual(response.json, expected)
        self.assertEqual(response.raw, json.dumps(expected, separators=(",", ":"), ensure_ascii=False))

    def test_name_is_unique_case_insensitively_and_keeps_its_case(self):
        self.create_config("c")
        self.create("My-Endpoint")
        self.assertRejected(self.try_create("MY-ENDPOINT", "c"), already_exists("my-endpoint"))
        for name in ("my-endpoint", "MY-ENDPOINT", "My-Endpoint"):
            described = self.describe(name)
            self.assertEqual(described["EndpointName"], "My-Endpoint")
            self.assertEqual(described["EndpointArn"], endpoint_arn("my-endpoint"))

    def test_the_configuration_name_is_as_the_request_named_it(self):
        self.create_config("My-Config")
        self.create("e", "my-CONFIG")
        self.assertEqual(self.describe()["EndpointConfigName"], "my-CONFIG")

    def test_every_member_of_a_configuration(self):
        config = full_endpoint_config_input("full", "m")
        self.client.ok("CreateEndpointConfig", config)
        self.create("e", "full")
        described = self.describe()
        created = described["CreationTime"]
        images = [deployed_image(IMAGE, REPOSITORY, created)]
        self.assertEqual(described["ProductionVariants"], [{
            "VariantName": "variant-1", "DeployedImages": images, "CurrentWeight": 0.5, "DesiredWeight": 0.5,
            "CurrentInstanceCount": 2, "DesiredInstanceCount": 2,
            "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}}])
        self.assertEqual(described["ShadowProductionVariants"], [{
            "VariantName": "shadow-1", "DeployedImages": images, "CurrentWeight": 1.0, "DesiredWeight": 1.0,
            "CurrentInstanceCount": 1, "DesiredInstanceCount": 1}])
        self.assertEqual(described["DataCaptureConfig"], capture_summary(kms="alias/capture"))
        self.assertEqual(described["AsyncInferenceConfig"], config["AsyncInferenceConfig"])
        self.assertEqual(described["AsyncInferenceConfig"]["OutputConfig"]["NotificationConfig"], {})
        self.assertEqual(described["ExplainerConfig"], config["ExplainerConfig"])
        self.assertEqual(described["MetricsConfig"], config["MetricsConfig"])
        self.assertEqual([k for k in DESCRIBE_ORDER if k in described], list(described.keys()))
        for absent in ("FailureReason", "LastDeploymentConfig", "PendingDeploymentSummary"):
            self.assertNotIn(absent, described)

    def test_data_capture_summary(self):
        for name, config, summary in (("started", capture(), capture_summary()),
                                      ("enabled", capture(enabled=True, percent=100), capture_summary(percent=100)),
                                      ("stopped", capture(enabled=False), capture_summary(enabled=False)),
                                      ("kms", capture(kms="key-1"), capture_summary(kms="key-1"))):
            self.create_config(name, DataCaptureConfig=config)
            self.create(name, name)
            self.assertEqual(self.describe(name)["DataCaptureConfig"], summary, name)
        self.create_config("none")
        self.create("none", "none")
        self.assertNotIn("DataCaptureConfig", self.describe("none"))

    def test_deployed_images_one_per_container_with_an_image(self):
        digest = "registry.example.com/pinned@sha256:" + "a" * 64
        self.client.ok("CreateModel", {
            "ModelName": "multi", "ExecutionRoleArn": model_input("x")["ExecutionRoleArn"],
            "Containers": [{"Image": "localhost:5000/team/img:2"}, {"ModelPackageName": "a-package"},
                           {"Image": "plain"}, {"Image": digest}]})
        self.client.ok("CreateModel", dict(model_input("primary"),
                                           Containers=[{"Image": "second:1"}]))
        self.create_config("c", [instance_variant("a", "multi"), instance_variant("b", "primary")])
        self.create()
        described = self.describe()
        at = described["CreationTime"]
        self.assertEqual(described["ProductionVariants"][0]["DeployedImages"], [
            deployed_image("localhost:5000/team/img:2", "localhost:5000/team/img", at),
            deployed_image("plain", "plain", at),
            {"SpecifiedImage": digest, "ResolvedImage": digest, "ResolutionTime": at}])
        self.assertEqual(described["ProductionVariants"][1]["DeployedImages"], [
            deployed_image(IMAGE, REPOSITORY, at), deployed_image("second:1", "second", at)])

    def test_serverless_variant(self):
        self.client.ok("CreateEndpointConfig", serverless_endpoint_config_input("s", "m"))
        self.create("e", "s")
        variant = self.describe()["ProductionVariants"][0]
        serverless = {"MemorySizeInMB": 2048, "MaxConcurrency": 20, "ProvisionedConcurrency": 5}
        self.assertEqual(variant["CurrentServerlessConfig"], serverless)
        self.assertEqual(variant["DesiredServerlessConfig"], serverless)
        self.assertEqual((variant["CurrentWeight"], variant["DesiredWeight"]), (1.0, 1.0))
        self.assertNotIn("CurrentInstanceCount", variant)
        self.assertNotIn("DesiredInstanceCount", variant)

    def test_inference_component_variant(self):
        config = inference_component_endpoint_config_input("ic")
        self.client.ok("CreateEndpointConfig", config)
        self.create("e", "ic")
        source = config["ProductionVariants"][0]
        self.assertEqual(self.describe()["ProductionVariants"], [{
            "VariantName": "ic", "CurrentInstanceCount": 1, "DesiredInstanceCount": 1,
            "ManagedInstanceScaling": source["ManagedInstanceScaling"], "RoutingConfig": source["RoutingConfig"]}])

    def test_not_found(self):
        self.create_config("c")
        for operation, params in (("DescribeEndpoint", {}), ("DeleteEndpoint", {}),
                                  ("UpdateEndpoint", {"EndpointConfigName": "c"}),
                                  ("UpdateEndpointWeightsAndCapacities",
                                   {"DesiredWeightsAndCapacities": [weights("v", weight=1)]})):
            self.assertRejected(self.client.call(operation, dict(params, EndpointName="Missing")), not_found("missing"))

    def test_create_needs_the_configuration_and_its_models(self):
        self.assertRejected(self.try_create("e", "Nope"), config_not_found("nope"))
        self.client.ok("CreateModel", model_input("Gone"))
        self.create_config("c", [instance_variant("a"), instance_variant("b", "Gone")])
        # A shadow variant's model too.
        self.create_config("s", [instance_variant("a")], ShadowProductionVariants=[instance_variant("b", "gone")])
        self.client.ok("DeleteModel", {"ModelName": "gone"})
        self.assertRejected(self.try_create("e", "c"), model_not_found("Gone"))
        self.assertRejected(self.try_create("e", "s"), model_not_found("gone"))
        self.assertRejected(self.try_describe("e"), not_found("e"))

    def test_order_of_checks(self):
        self.create_config("c")
        self.create("taken")
        self.client.ok("CreateModel", model_input("gone"))
        self.create_config("orphan", [instance_variant("v", "gone")])
        self.client.ok("DeleteModel", {"ModelName": "gone"})
        pattern = ("1 validation error detected: Value 'bad_name' at '%s' failed to satisfy constraint: Member must "
                   "satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
        # Constraints before any lookup.
        self.assertRejected(self.try_describe("bad_name"), pattern % "endpointName")
        self.assertRejected(self.try_create("taken", "bad_name"), pattern % "endpointConfigName")
        self.assertRejected(self.update("missing", "bad_name"), pattern % "endpointConfigName")
        self.assertRejected(self.update_weights("missing", weights("v", weight=-1)),
                            "1 validation error detected: Value '-1.0' at 'desiredWeightsAndCapacities.1.member."
                            "desiredWeight' failed to satisfy constraint: Member must have value greater than or "
                            "equal to 0")
        self.assertRejected(self.client.call("UpdateEndpointWeightsAndCapacities",
                                             {"EndpointName": "missing", "DesiredWeightsAndCapacities": []}),
                            "1 validation error detected: Value '[]' at 'desiredWeightsAndCapacities' failed to "
                            "satisfy constraint: Member must have length greater than or equal to 1")
        # The endpoint before the configuration, the configuration before its models.
        self.assertRejected(self.update("missing", "nope"), not_found("missing"))
        self.assertRejected(self.update("taken", "nope"), config_not_found("nope"))
        self.assertRejected(self.update("taken", "orphan"), model_not_found("gone"))
        # At create: the configuration, then its models, then the name.
        self.assertRejected(self.try_create("taken", "nope"), config_not_found("nope"))
        self.assertRejected(self.try_create("taken", "orphan"), model_not_found("gone"))
        self.assertRejected(self.try_create("TAKEN", "c"), already_exists("taken"))
        # The configuration in use is checked after everything else.
        self.assertRejected(self.update("taken", "c"), same_config("c"))

    def test_update_to_the_configuration_in_use(self):
        self.create_config("c")
        self.create()
        before = self.describe()
        self.assertRejected(self.update("e", "c"), same_config("c"))
        # Names are case-insensitive: another casing is the same configuration, named as the request named it.
        self.assertRejected(self.update("e", "C"), same_config("C"))
        self.assertEqual(self.describe(), before)

    def test_update_to_another_configuration(self):
        self.create_config("c", DataCaptureConfig=capture())
        self.create_config("d", [instance_variant("w", count=3, InitialVariantWeight=2.0)],
                           AsyncInferenceConfig={"OutputConfig": {"S3OutputPath": "s3://bucket/out"}})
        self.create()
        created = self.describe()["CreationTime"]
        time.sleep(0.005)
        self.assertEqual(self.update("e", "d").json, {"EndpointArn": endpoint_arn("e")})
        described = self.describe()
        self.assertEqual(described["EndpointStatus"], "InService")
        self.assertEqual(described["EndpointConfigName"], "d")
        self.assertEqual(described["CreationTime"], created)
        self.assertGreater(described["LastModifiedTime"], created)
        updated = described["LastModifiedTime"]
        self.assertEqual(described["ProductionVariants"], [{
            "VariantName": "w", "DeployedImages": [deployed_image(IMAGE, REPOSITORY, updated)],
            "CurrentWeight": 2.0, "DesiredWeight": 2.0, "CurrentInstanceCount": 3, "DesiredInstanceCount": 3}])
        self.assertNotIn("DataCaptureConfig", described)
        self.assertEqual(described["AsyncInferenceConfig"], {"OutputConfig": {"S3OutputPath": "s3://bucket/out"}})
        for absent in ("PendingDeploymentSummary", "LastDeploymentConfig", "FailureReason"):
            self.assertNotIn(absent, described)
        # And back.
        self.assertEqual(self.update("e", "c").status, 200)
        described = self.describe()
        self.assertEqual(described["EndpointConfigName"], "c")
        self.assertEqual(described["DataCaptureConfig"], capture_summary())
        self.assertNotIn("AsyncInferenceConfig", described)

    def endpoint_with_changed_weights(self, name):
        """Endpoint `name` on configuration "old" (variants "v": weight 1, 1 instance, and "gone"; capture at 50%),
        whose "v" was then changed to weight 0.25 and 4 instances."""
        self.create(name, "old")
        self.assertEqual(self.update_weights(name, weights("v", weight=0.25, count=4)).status, 200)

    def retained(self, name, **update):
        """The variants and data capture of `name` after an update to configuration "new" (variants "v": weight 3,
        2 instances, and "added": weight 5, 6 instances; capture at 10%) with the given UpdateEndpoint members."""
        self.assertEqual(self.update(name, "new", **update).status, 200)
        described = self.describe(name)
        self.assertEqual(described["EndpointConfigName"], "new")
        variants = {v["VariantName"]: (v["CurrentWeight"], v["CurrentInstanceCount"])
                    for v in described["ProductionVariants"]}
        for variant in described["ProductionVariants"]:
            current, desired = current_and_desired(variant)
            self.assertEqual(current, desired)
        return variants, described.get("DataCaptureConfig")

    def test_retain_all_variant_properties(self):
        self.create_config("old", [instance_variant("v"), instance_variant("gone")], DataCaptureConfig=capture())
        self.create_config("new", [instance_variant("v", count=2, InitialVariantWeight=3.0),
                                   instance_variant("added", count=6, InitialVariantWeight=5.0)],
                           DataCaptureConfig=capture(percent=10))
        old_capture, new_capture = capture_summary(), capture_summary(percent=10)
        new = {"v": (3.0, 2), "added": (5.0, 6)}

        def excluding(*properties):
            return {"RetainAllVariantProperties": True,
                    "ExcludeRetainedVariantProperties": [{"VariantPropertyType": p} for p in properties]}

        for name, update, variants, data_capture in (
                ("plain", {}, new, new_capture),
                ("retain-false", {"RetainAllVariantProperties": False}, new, new_capture),
                # Exclusions mean nothing without RetainAllVariantProperties.
                ("exclude-only", {"ExcludeRetainedVariantProperties": [{"VariantPropertyType": "DesiredWeight"}]},
                 new, new_capture),
                ("retain", {"RetainAllVariantProperties": True}, {"v": (0.25, 4), "added": (5.0, 6)}, old_capture),
                ("no-weight", excluding("DesiredWeight"), {"v": (3.0, 4), "added": (5.0, 6)}, old_capture),
                ("no-count", excluding("DesiredInstanceCount"), {"v": (0.25, 2), "added": (5.0, 6)}, old_capture),
                ("no-capture", excluding("DataCaptureConfig"), {"v": (0.25, 4), "added": (5.0, 6)}, new_capture),
                ("none", excluding("DesiredWeight", "DesiredInstanceCount", "DataCaptureConfig"), new, new_capture)):
            self.endpoint_with_changed_weights(name)
            self.assertEqual(self.retained(name, **update), (variants, data_capture), name)

    def test_retained_data_capture_may_be_none(self):
        self.create_config("old")
        self.create_config("new", DataCaptureConfig=capture())
        self.create("e", "old")
        self.assertEqual(self.update("e", "new", RetainAllVariantProperties=True).status, 200)
        self.assertNotIn("DataCaptureConfig", self.describe())

    def test_deployment_config(self):
        self.create_config("a")
        self.create_config("b")
        self.create("e", "a", DeploymentConfig=BLUE_GREEN)
        self.assertEqual(self.describe()["LastDeploymentConfig"], BLUE_GREEN)
        # Kept when asked to and none is sent.
        self.assertEqual(self.update("e", "b", RetainDeploymentConfig=True).status, 200)
        self.assertEqual(self.describe()["LastDeploymentConfig"], BLUE_GREEN)
        # Replaced by the one sent, exactly as sent, whatever RetainDeploymentConfig says.
        self.assertEqual(self.update("e", "a", DeploymentConfig=ROLLING, RetainDeploymentConfig=True).status, 200)
        self.assertEqual(self.describe()["LastDeploymentConfig"], ROLLING)
        # Gone when none is sent and none is retained.
        self.assertEqual(self.update("e", "b").status, 200)
        self.assertNotIn("LastDeploymentConfig", self.describe())
        self.assertEqual(self.update("e", "a", RetainDeploymentConfig=True).status, 200)
        self.assertNotIn("LastDeploymentConfig", self.describe())
        # Weights and capacities leave it alone.
        self.assertEqual(self.update("e", "b", DeploymentConfig=BLUE_GREEN).status, 200)
        self.assertEqual(self.update_weights("e", weights("v", weight=2)).status, 200)
        self.assertEqual(self.describe()["LastDeploymentConfig"], BLUE_GREEN)

    def test_update_weights_and_capacities(self):
        self.create_config("c", [instance_variant("a")], ShadowProductionVariants=[instance_variant("s", count=2)])
        self.create()
        created = self.describe()["LastModifiedTime"]
        time.sleep(0.005)
        response = self.update_weights("e", weights("A", weight=3), weights("s", count=5))
        self.assertEqual(response.json, {"EndpointArn": endpoint_arn("e")})
        described = self.describe()
        self.assertEqual(described["EndpointStatus"], "InService")
        self.assertGreater(described["LastModifiedTime"], created)
        variant, shadow = described["ProductionVariants"][0], described["ShadowProductionVariants"][0]
        self.assertEqual(current_and_desired(variant), ({"Weight": 3.0, "InstanceCount": 1},) * 2)
        self.assertIsInstance(variant["CurrentWeight"], float)
        self.assertEqual(current_and_desired(shadow), ({"Weight": 1.0, "InstanceCount": 5},) * 2)
        # The configuration is unchanged: it is still the one in use.
        self.assertEqual(described["EndpointConfigName"], "c")
        self.assertEqual(self.client.ok("DescribeEndpointConfig", {"EndpointConfigName": "c"})
                         ["ProductionVariants"][0]["InitialInstanceCount"], 1)
        self.assertRejected(self.update("e", "c"), same_config("c"))

    def test_serverless_update_config(self):
        self.client.ok("CreateEndpointConfig", serverless_endpoint_config_input("s", "m"))
        self.create("e", "s")
        self.assertEqual(self.update_weights("e", weights("serverless", weight=0.5,
                                                          serverless={"MaxConcurrency": 30})).status, 200)
        variant = self.describe()["ProductionVariants"][0]
        changed = {"MemorySizeInMB": 2048, "MaxConcurrency": 30, "ProvisionedConcurrency": 5}
        self.assertEqual(current_and_desired(variant), ({"Weight": 0.5, "ServerlessConfig": changed},) * 2)
        self.assertEqual(self.update_weights("e", weights("serverless",
                                                          serverless={"ProvisionedConcurrency": 30})).status, 200)
        self.assertEqual(self.describe()["ProductionVariants"][0]["CurrentServerlessConfig"]["ProvisionedConcurrency"],
                         30)

    def test_update_weights_errors(self):
        self.client.ok("CreateEndpointConfig", serverless_endpoint_config_input("s", "m"))
        self.client.ok("CreateEndpointConfig", inference_component_endpoint_config_input("ic"))
        self.create_config("c", [instance_variant("a"), instance_variant("b")])
        self.create("Instances", "c")
        self.create("serverless", "s")
        self.create("components", "ic")
        before = [self.describe(name) for name in ("instances", "serverless", "components")]
        for name, desired, message in (
                ("instances", [weights("nope", weight=1)],
                 'The variant "nope" does not exist in endpoint "Instances".'),
                # Every entry is checked before anything changes.
                ("instances", [weights("a", weight=2), weights("nope", weight=1)],
                 'The variant "nope" does not exist in endpoint "Instances".'),
                ("instances", [weights("a", weight=2), weights("b", weight=1), weights("A", count=3)],
                 'The variant "A" is named more than once in DesiredWeightsAndCapacities.'),
                ("instances", [weights("a", serverless={"MaxConcurrency": 3})],
                 'Variant "a" is instance-based: change its capacity with DesiredInstanceCount, not '
                 'ServerlessUpdateConfig.'),
                ("serverless", [weights("serverless", count=2)],
                 'Variant "serverless" is serverless: change its capacity with ServerlessUpdateConfig, not '
                 'DesiredInstanceCount.'),
                ("serverless", [weights("serverless", serverless={"MaxConcurrency": 4})],
                 'ProvisionedConcurrency of variant "serverless" must be less than or equal to its MaxConcurrency.'),
                ("components", [weights("ic", weight=1)],
                 'Variant "ic" serves no model, so it has no weight to change.')):
            self.assertRejected(self.update_weights(name, *desired), message)
        self.assertEqual([self.describe(name) for name in ("instances", "serverless", "components")], before)

    def test_delete_then_the_name_is_free_at_once(self):
        self.create_config("c")
        self.create("e", Tags=[{"Key": "old", "Value": "1"}])
        self.assertEqual(self.delete("E").json, {})
        self.assertGoneAndFree("e")
        self.assertEqual(self.describe()["EndpointStatus"], "InService")

    def test_configuration_and_model_in_use_may_be_deleted(self):
        self.create_config("c")
        self.create_config("d")
        self.create()
        before = self.describe()
        self.assertEqual(self.client.ok("DeleteEndpointConfig", {"EndpointConfigName": "c"}), {})
        self.assertEqual(self.client.ok("DeleteModel", {"ModelName": "m"}), {})
        self.assertEqual(self.describe(), before)
        # An update to a configuration whose model is gone is refused, and changes nothing.
        self.assertRejected(self.update("e", "d"), model_not_found("m"))
        self.assertEqual(self.describe(), before)
        # Weights still change: they need no configuration.
        self.assertEqual(self.update_weights("e", weights("v", weight=2)).status, 200)
        self.assertEqual(self.delete().status, 200)
        self.assertRejected(self.try_describe("e"), not_found("e"))

    def test_tags(self):
        self.create_config("c")
        self.create("E", Tags=[{"Key": "Name", "Value": "ep"}, {"Key": "team", "Value": "ml"}])
        self.assertNotIn("Tags", self.describe())
        self.assertEqual(self.tags("e"), [{"Key": "Name", "Value": "ep"}, {"Key": "team", "Value": "ml"}])
        arn = endpoint_arn("e")
        self.assertEqual(self.client.ok("AddTags", {"ResourceArn": arn, "Tags": [{"Key": "team", "Value": "ops"},
                                                                                {"Key": "x", "Value": ""}]}),
                         {"Tags": [{"Key": "team", "Value": "ops"}, {"Key": "x", "Value": ""}]})
        self.assertEqual(self.client.ok("DeleteTags", {"ResourceArn": arn, "TagKeys": ["Name", "unknown"]}), {})
        self.assertEqual(self.tags("e"), [{"Key": "team", "Value": "ops"}, {"Key": "x", "Value": ""}])
        # The ARN matches case-insensitively in its resource part.
        self.assertEqual(self.client.ok("ListTags", {"ResourceArn": arn.replace("endpoint/e", "ENDPOINT/E")})["Tags"],
                         self.tags("e"))
        # Tags change no status and no modification time.
        self.assertEqual(self.describe()["LastModifiedTime"], self.describe()["CreationTime"])
        self.assertEqual(self.delete().status, 200)
        for operation, params in (("ListTags", {}), ("AddTags", {"Tags": [{"Key": "k", "Value": "v"}]}),
                                  ("DeleteTags", {"TagKeys": ["team"]})):
            self.assertRejected(self.client.call(operation, dict(params, ResourceArn=arn)), "Resource does not exist")

    def test_reserved_tag_keys_are_refused_at_create(self):
        self.create_config("c")
        self.assertRejected(self.client.call("CreateEndpoint", {"EndpointName": "e", "EndpointConfigName": "c",
                                                                "Tags": [{"Key": "aws:x", "Value": "v"}]}),
                            "Tag keys beginning with 'aws:' are reserved for AWS use: aws:x")
        self.assertRejected(self.try_describe("e"), not_found("e"))

    def test_regions_accounts_and_partitions_are_separate(self):
        self.create_config("c")
        self.create()
        other_region = self.server.client(region="eu-west-1")
        self.assertRejected(other_region.call("DescribeEndpoint", {"EndpointName": "e"}),
                            'Could not find endpoint "%s".' % endpoint_arn("e", "eu-west-1"))
        other_region.close()
        china = self.server.client(region="cn-north-1")
        china.ok("CreateModel", model_input("m"))
        china.ok("CreateEndpointConfig", {"EndpointConfigName": "c", "ProductionVariants": [instance_variant()]})
        china_arn = endpoint_arn("e", "cn-north-1", partition="aws-cn")
        self.assertEqual(china.ok("CreateEndpoint", {"EndpointName": "e", "EndpointConfigName": "c"}),
                         {"EndpointArn": china_arn})
        self.assertEqual(china.ok("DescribeEndpoint", {"EndpointName": "e"})["EndpointArn"], china_arn)
        self.assertEqual(china.ok("ListEndpoints", {})["Endpoints"][0]["EndpointArn"], china_arn)
        self.assertEqual(china.ok("ListTags", {"ResourceArn": china_arn}), {"Tags": []})
        china.close()


class ListEndpointsTest(EndpointTestCase):
    def setUp(self):
        super().setUp()
        self.create_config("c")
        self.create_config("d")

    def create_all(self, *names):
        for name in names:
            self.create(name)
            time.sleep(0.003)  # distinct creation milliseconds

    def names(self, **params):
        return [item["EndpointName"] for item in self.client.ok("ListEndpoints", params)["Endpoints"]]

    def follow(self, **params):
        names, pages = [], 0
        while True:
            page = self.client.ok("ListEndpoints", params)
            names += [item["EndpointName"] for item in page["Endpoints"]]
            pages += 1
            if "NextToken" not in page:
                return names, pages
            params["NextToken"] = page["NextToken"]

    def test_summaries(self):
        self.create_all("a", "B")
        self.assertEqual(self.update("a", "d").status, 200)
        page = self.client.ok("ListEndpoints", {})
        self.assertNotIn("NextToken", page)
        self.assertEqual([list(item.keys()) for item in page["Endpoints"]],
                         [["EndpointName", "EndpointArn", "CreationTime", "LastModifiedTime", "EndpointStatus"]] * 2)
        for item in page["Endpoints"]:
            described = self.describe(item["EndpointName"])
            self.assertEqual(item, {k: described[k] for k in item})
        self.assertEqual(page["Endpoints"][0]["EndpointArn"], endpoint_arn("b"))
        self.assertGreater(page["Endpoints"][1]["LastModifiedTime"], page["Endpoints"][1]["CreationTime"])

    def test_sort_orders(self):
        self.create_all("b", "C", "a")
        self.assertEqual(self.names(), ["a", "C", "b"])
        self.assertEqual(self.names(SortBy="CreationTime", SortOrder="Ascending"), ["b", "C", "a"])
        self.assertEqual(self.names(SortBy="Name", SortOrder="Ascending"), ["a", "b", "C"])
        self.assertEqual(self.names(SortBy="Name"), ["C", "b", "a"])
        # All InService: by name within the status.
        self.assertEqual(self.names(SortBy="Status", SortOrder="Ascending"), ["a", "b", "C"])
        self.assertEqual(self.names(SortBy="Status", SortOrder="Descending"), ["C", "b", "a"])

    def test_pagination_visits_everything_once(self):
        names = ["ep-%02d" % i for i in range(13)]
        self.create_all(*names)
        for sort in ({"SortBy": "Name", "SortOrder": "Ascending"}, {"SortBy": "CreationTime"},
                     {"SortBy": "Status"}, {"SortBy": "Status", "SortOrder": "Ascending"}, {}):
            seen, pages = self.follow(MaxResults=5, **sort)
            self.assertEqual(sorted(seen), names, sort)
            self.assertEqual(pages, 3, sort)
        self.assertEqual(self.follow()[1], 2)  # MaxResults defaults to 10

    def test_tokens_are_bound_to_their_sort(self):
        self.create_all("a", "b", "c")
        token = self.client.ok("ListEndpoints", {"MaxResults": 1, "SortBy": "Status"})["NextToken"]
        self.assertEqual(self.names(MaxResults=1, SortBy="Status", NextToken=token), ["b"])
        for params in ({"SortBy": "Name"}, {}, {"SortBy": "Status", "SortOrder": "Ascending"}):
            self.assertRejected(self.client.call("ListEndpoints", dict(params, NextToken=token)),
                                "Invalid pagination token")
        self.assertRejected(self.client.call("ListEndpointConfigs", {"NextToken": token}), "Invalid pagination token")

    def test_name_contains_applies_after_max_results(self):
        self.create_all("alpha-1", "beta-1", "beta-2", "alpha-2", "beta-3")
        page = self.client.ok("ListEndpoints", {"MaxResults": 3, "NameContains": "ALPHA"})
        self.assertEqual([item["EndpointName"] for item in page["Endpoints"]], ["alpha-2"])
        self.assertIn("NextToken", page)
        self.assertEqual(self.follow(MaxResults=2, NameContains="alpha")[0], ["alpha-2", "alpha-1"])

    def test_time_bounds(self):
        self.create_all("a", "b", "c")
        self.assertEqual(self.update("a", "d").status, 200)  # a was modified last
        items = self.client.ok("ListEndpoints", {"SortOrder": "Ascending"})["Endpoints"]
        b_created, a_modified = items[1]["CreationTime"], items[0]["LastModifiedTime"]
        self.assertEqual(self.names(CreationTimeAfter=b_created, SortOrder="Ascending"), ["b", "c"])  # inclusive
        self.assertEqual(self.names(CreationTimeBefore=b_created, SortOrder="Ascending"), ["a"])  # exclusive
        self.assertEqual(self.names(LastModifiedTimeAfter=a_modified), ["a"])  # inclusive
        self.assertEqual(self.names(LastModifiedTimeBefore=a_modified), ["c", "b"])  # exclusive
        self.assertEqual(self.names(LastModifiedTimeAfter=items[1]["LastModifiedTime"],
                                    LastModifiedTimeBefore=a_modified), ["c", "b"])

    def test_status_equals(self):
        self.create_all("a", "b")
        self.assertEqual(self.names(StatusEquals="InService"), ["b", "a"])
        for status in ("Creating", "Updating", "Deleting", "Failed", "OutOfService"):
            self.assertEqual(self.names(StatusEquals=status), [], status)
        self.assertRejected(self.client.call("ListEndpoints", {"StatusEquals": "Running"}),
                            "1 validation error detected: Value 'Running' at 'statusEquals' failed to satisfy "
                            "constraint: Member must satisfy enum value set: [OutOfService, Creating, Updating, "
                            "SystemUpdating, RollingBack, InService, Deleting, Failed, UpdateRollbackFailed]")
        self.assertRejected(self.client.call("ListEndpoints", {"SortBy": "LastModifiedTime"}),
                            "1 validation error detected: Value 'LastModifiedTime' at 'sortBy' failed to satisfy "
                            "constraint: Member must satisfy enum value set: [Name, CreationTime, Status]")


class EndpointTransitionTest(EndpointTestCase):
    """--transition-delay DELAY: Creating, Updating and Deleting last DELAY seconds, then the next status."""

    flags = ("--transition-delay", str(DELAY))

    def setUp(self):
        super().setUp()
        self.create_config("other")  # what assertChanges updates to

    def settle(self, name="e", since=None):
        """Waits until the change that started at `since` (epoch seconds; default: the endpoint's LastModifiedTime)
        is over, and returns the endpoint's Describe then (None once it is gone)."""
        if since is None:
            since = self.describe(name)["LastModifiedTime"]
        time.sleep(max(0.0, since + DELAY - time.time()))
        deadline = time.time() + 10
        while True:
            response = self.try_describe(name)
            if response.status != 200:
                return None
            if response.json["EndpointStatus"] not in IN_PROGRESS:
                return response.json
            self.assertLess(time.time(), deadline, response)
            time.sleep(0.02)

    def test_creating_then_in_service(self):
        self.create_config("c", [instance_variant("v", count=2, InitialVariantWeight=0.5)])
        self.create("e", "c")
        described = self.describe()
        created = described["CreationTime"]
        self.assertEqual(described, {
            "EndpointName": "e", "EndpointArn": endpoint_arn("e"), "EndpointConfigName": "c",
            "EndpointStatus": "Creating", "CreationTime": created, "LastModifiedTime": created,
            "PendingDeploymentSummary": pending_summary("c", "v", 0.5, 2, created)})
        self.assertEqual(self.client.ok("ListEndpoints", {})["Endpoints"][0]["EndpointStatus"], "Creating")
        described = self.settle()
        self.assertEqual(described["EndpointStatus"], "InService")
        self.assertEqual(ms(described["LastModifiedTime"]), ms(created) + ms(DELAY))
        self.assertEqual(described["ProductionVariants"], [{
            "VariantName": "v", "DeployedImages": [deployed_image(IMAGE, REPOSITORY, created)],
            "CurrentWeight": 0.5, "DesiredWeight": 0.5, "CurrentInstanceCount": 2, "DesiredInstanceCount": 2}])
        self.assertNotIn("PendingDeploymentSummary", described)

    def test_creating_shows_what_is_coming_of_every_kind(self):
        config = full_endpoint_config_input("full", "m")
        self.client.ok("CreateEndpointConfig", config)
        self.client.ok("CreateEndpointConfig", serverless_endpoint_config_input("s", "m"))
        self.create("full", "full", DeploymentConfig=BLUE_GREEN)
        self.create("serverless", "s")
        described = self.describe("full")
        pending = described["PendingDeploymentSummary"]
        self.assertEqual([v["VariantName"] for v in pending["ProductionVariants"]], ["variant-1"])
        self.assertEqual(pending["ProductionVariants"][0]["AcceleratorType"], "ml.eia1.medium")
        self.assertEqual(pending["ProductionVariants"][0]["RoutingConfig"],
                         {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"})
        self.assertEqual([(v["VariantName"], v["DesiredInstanceCount"], v["VariantStatus"][0]["Status"])
                          for v in pending["ShadowProductionVariants"]], [("shadow-1", 1, "Creating")])
        self.assertNotIn("ProductionVariants", described)
        self.assertNotIn("ShadowProductionVariants", described)
        self.assertEqual(described["DataCaptureConfig"], capture_summary(kms="alias/capture"))
        self.assertEqual(described["AsyncInferenceConfig"], config["AsyncInferenceConfig"])
        self.assertEqual(described["LastDeploymentConfig"], BLUE_GREEN)
        serverless = self.describe("serverless")["PendingDeploymentSummary"]["ProductionVariants"][0]
        self.assertEqual(serverless["DesiredServerlessConfig"],
                         {"MemorySizeInMB": 2048, "MaxConcurrency": 20, "ProvisionedConcurrency": 5})
        self.assertNotIn("DesiredInstanceCount", serverless)
        self.assertNotIn("InstanceType", serverless)

    def test_no_change_while_creating(self):
        self.create_config("c")
        self.client.ok("CreateModel", model_input("gone"))
        self.create_config("orphan", [instance_variant("v", "gone")])
        self.client.ok("DeleteModel", {"ModelName": "gone"})
        self.create()
        self.assertChanges("e", in_progress("e"))
        # In progress is checked after the configuration and its models, before the configuration in use.
        self.assertRejected(self.update("e", "nope"), config_not_found("nope"))
        self.assertRejected(self.update("e", "orphan"), model_not_found("gone"))
        self.assertRejected(self.update("e", "c"), in_progress("e"))
        self.assertRejected(self.update_weights("e", weights("nope", weight=1)), in_progress("e"))
        self.assertEqual(self.describe()["EndpointStatus"], "Creating")
        self.settle()
        self.assertRejected(self.update("e", "c"), same_config("c"))
        self.assertEqual(self.delete().status, 200)

    def test_update_to_another_configuration(self):
        self.create_config("c", [instance_variant("old", count=2)], DataCaptureConfig=capture())
        self.create_config("d", [instance_variant("new", count=3, InitialVariantWeight=2.0)])
        self.create("e", "c", DeploymentConfig=BLUE_GREEN)
        serving = self.settle()
        self.assertEqual(self.update("e", "d").status, 200)
        described = self.describe()
        started = described["LastModifiedTime"]
        self.assertEqual(described["EndpointStatus"], "Updating")
        self.assertGreaterEqual(started, serving["LastModifiedTime"])
        # The new configuration is the endpoint's at once; the old fleet serves until the update is over.
        self.assertEqual(described["EndpointConfigName"], "d")
        self.assertEqual(described["ProductionVariants"], serving["ProductionVariants"])
        self.assertEqual(described["DataCaptureConfig"], capture_summary())
        self.assertNotIn("LastDeploymentConfig", described)
        self.assertEqual(described["PendingDeploymentSummary"], pending_summary("d", "new", 2.0, 3, started))
        self.assertChanges("e", in_progress("e"))
        self.assertRejected(self.update("e", "d"), in_progress("e"))
        described = self.settle()
        self.assertEqual(described["EndpointStatus"], "InService")
        self.assertEqual(ms(described["LastModifiedTime"]), ms(started) + ms(DELAY))
        self.assertEqual(described["EndpointConfigName"], "d")
        self.assertEqual([v["VariantName"] for v in described["ProductionVariants"]], ["new"])
        self.assertEqual(current_and_desired(described["ProductionVariants"][0]),
                         ({"Weight": 2.0, "InstanceCount": 3},) * 2)
        self.assertNotIn("DataCaptureConfig", described)
        self.assertNotIn("PendingDeploymentSummary", described)
        self.assertRejected(self.update("e", "d"), same_config("d"))

    def test_weights_while_updating(self):
        self.client.ok("CreateEndpointConfig", serverless_endpoint_config_input("s", "m"))
        self.create_config("c", [instance_variant("a"), instance_variant("b", count=2)])
        self.create("e", "c")
        self.create("serverless", "s")
        self.settle("e")
        self.settle("serverless")
        self.assertEqual(self.update_weights("e", weights("b", weight=0.5, count=4)).status, 200)
        self.assertEqual(self.update_weights("serverless", weights("serverless",
                                                                   serverless={"MaxConcurrency": 40})).status, 200)
        described = self.describe()
        self.assertEqual(described["EndpointStatus"], "Updating")
        self.assertNotIn("PendingDeploymentSummary", described)
        a, b = described["ProductionVariants"]
        self.assertEqual(current_and_desired(a), ({"Weight": 1.0, "InstanceCount": 1},) * 2)
        self.assertEqual(current_and_desired(b), ({"Weight": 1.0, "InstanceCount": 2},
                                                  {"Weight": 0.5, "InstanceCount": 4}))
        serverless = self.describe("serverless")["ProductionVariants"][0]
        self.assertEqual(serverless["CurrentServerlessConfig"]["MaxConcurrency"], 20)
        self.assertEqual(serverless["DesiredServerlessConfig"]["MaxConcurrency"], 40)
        self.assertChanges("e", in_progress("e"))
        described = self.settle()
        a, b = described["ProductionVariants"]
        self.assertEqual(current_and_desired(b), ({"Weight": 0.5, "InstanceCount": 4},) * 2)
        self.assertEqual(self.settle("serverless")["ProductionVariants"][0]["CurrentServerlessConfig"]
                         ["MaxConcurrency"], 40)

    def test_racing_changes_one_wins(self):
        """Of changes sent at once, one starts and the others find it in progress: the check and the write are one
        transaction."""
        self.create_config("c")
        self.create()
        self.settle()
        calls = [("UpdateEndpoint", {"EndpointConfigName": "other"}), ("DeleteEndpoint", {})] + [
            ("UpdateEndpointWeightsAndCapacities", {"DesiredWeightsAndCapacities": [weights("v", weight=n)]})
            for n in range(6)]
        barrier = threading.Barrier(len(calls))
        results = []

        def send(operation, params):
            client = self.server.client()
            barrier.wait()
            results.append(client.call(operation, dict(params, EndpointName="e")))
            client.close()

        threads = [threading.Thread(target=send, args=call) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(r.status for r in results), [200] + [400] * (len(calls) - 1))
        for response in results:
            if response.status == 400:
                self.assertRejected(response, in_progress("e"))
        self.assertIn(self.describe()["EndpointStatus"], ("Updating", "Deleting"))

    def test_deleting_then_gone(self):
        self.create_config("c")
        self.create("e", Tags=[{"Key": "old", "Value": "1"}])
        serving = self.settle()
        self.assertEqual(self.delete().json, {})
        described = self.describe()
        started = described["LastModifiedTime"]
        self.assertEqual(described["EndpointStatus"], "Deleting")
        self.assertEqual(described["ProductionVariants"], serving["ProductionVariants"])
        self.assertEqual(self.client.ok("ListEndpoints", {})["Endpoints"][0]["EndpointStatus"], "Deleting")
        self.assertEqual(self.tags("e"), [{"Key": "old", "Value": "1"}])
        self.assertChanges("e", in_progress("e"))
        self.assertRejected(self.try_create("e", "c"), already_exists("e"))
        self.assertIsNone(self.settle("e", since=started))
        self.assertGreaterEqual(time.time(), started + DELAY)
        self.assertGoneAndFree("e")
        self.assertEqual(self.describe()["EndpointStatus"], "Creating")

    def test_listing_shows_the_status_at_the_time_of_the_request(self):
        self.create_config("c")
        self.create("a")
        self.settle("a")
        self.create("b")
        b_created = self.describe("b")["CreationTime"]

        def listed(**params):
            return [(item["EndpointName"], item["EndpointStatus"])
                    for item in self.client.ok("ListEndpoints", params)["Endpoints"]]

        self.assertEqual(listed(), [("b", "Creating"), ("a", "InService")])
        self.assertEqual(listed(StatusEquals="Creating"), [("b", "Creating")])
        self.assertEqual(listed(StatusEquals="InService"), [("a", "InService")])
        self.assertEqual(listed(SortBy="Status", SortOrder="Ascending"), [("b", "Creating"), ("a", "InService")])
        self.assertEqual(listed(SortBy="Status"), [("a", "InService"), ("b", "Creating")])
        page = self.client.ok("ListEndpoints", {"SortBy": "Status", "SortOrder": "Ascending", "MaxResults": 1})
        self.assertEqual([item["EndpointName"] for item in page["Endpoints"]], ["b"])
        self.assertEqual(listed(SortBy="Status", SortOrder="Ascending", MaxResults=1, NextToken=page["NextToken"]),
                         [("a", "InService")])
        self.assertEqual(listed(LastModifiedTimeAfter=b_created), [("b", "Creating")])
        self.settle("b")
        self.assertEqual(listed(StatusEquals="InService"), [("b", "InService"), ("a", "InService")])
        self.assertEqual(listed(StatusEquals="Creating"), [])
        b = self.client.ok("ListEndpoints", {"NameContains": "b"})["Endpoints"][0]
        self.assertEqual(ms(b["LastModifiedTime"]), ms(b_created) + ms(DELAY))
        self.assertEqual(listed(LastModifiedTimeBefore=b["LastModifiedTime"]), [("a", "InService")])


if __name__ == "__main__":
    unittest.main()
