"""boto3, unchanged, against sagebox: client calls, paginators, waiters, and errors as botocore raises them."""
import importlib.util
import re
import time
import unittest

import client_support

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest"


def endpoint_arn(name):
    return "arn:aws:sagemaker:us-east-1:123456789012:endpoint/%s" % name.lower()


class Boto3Case(unittest.TestCase):
    """One sagebox started with `flags` for the class and a boto3 client for it; reset before each test."""
    flags = ()

    @classmethod
    def setUpClass(cls):
        import boto3
        from botocore.config import Config
        from sagebox_harness import Sagebox
        cls.server = Sagebox(*cls.flags).start()
        cls.sagemaker = boto3.session.Session().client(
            "sagemaker", endpoint_url="http://127.0.0.1:%d" % cls.server.port, region_name="us-east-1",
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="secret",
            config=Config(retries={"max_attempts": 1}))

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0

    def setUp(self):
        client = self.server.client()
        client.reset()
        client.close()

    def create_model(self, name="m"):
        from sagebox_harness import model_input
        return self.sagemaker.create_model(**model_input(name))["ModelArn"]

    def create_endpoint_configs(self, *names):
        """Model "m" and, for each name, a configuration with one instance-based variant serving it."""
        self.create_model("m")
        for name in names:
            self.sagemaker.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[{
                "VariantName": "variant-1", "ModelName": "m", "InitialInstanceCount": 1,
                "InstanceType": "ml.t2.medium"}])

    def assertClientError(self, call, message, code="ValidationException"):
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as raised:
            call()
        error = raised.exception.response
        self.assertEqual(error["Error"]["Code"], code)
        self.assertEqual(error["Error"]["Message"], message)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertRegex(error["ResponseMetadata"]["RequestId"], UUID)


class Boto3Test(Boto3Case):
    def input_for(self, operation, value):
        model = self.sagemaker.meta.service_model.operation_model(operation)
        return client_support.prune_to_client_model(model.input_shape, value)

    def test_full_round_trip(self):
        from sagebox_harness import full_endpoint_config_input, full_model_input
        model = self.input_for("CreateModel", full_model_input("full-model"))
        self.sagemaker.create_model(**model)
        described = self.sagemaker.describe_model(ModelName="full-model")
        self.assertEqual(described["PrimaryContainer"], model["PrimaryContainer"])
        self.assertEqual(described["Containers"], model["Containers"])
        config = self.input_for("CreateEndpointConfig", full_endpoint_config_input("full", "full-model"))
        arn = self.sagemaker.create_endpoint_config(**config)["EndpointConfigArn"]
        described = self.sagemaker.describe_endpoint_config(EndpointConfigName="full")
        self.assertEqual(described["EndpointConfigArn"], arn)
        self.assertRegex(described["ResponseMetadata"]["RequestId"], UUID)
        # botocore turns the epoch number into an aware datetime.
        self.assertIsNotNone(described["CreationTime"].tzinfo)
        for key in ("DataCaptureConfig", "AsyncInferenceConfig", "ExplainerConfig", "VpcConfig", "MetricsConfig",
                    "KmsKeyId", "ExecutionRoleArn", "EnableNetworkIsolation"):
            self.assertEqual(described[key], config[key], key)
        self.assertEqual(described["ShadowProductionVariants"],
                         [dict(config["ShadowProductionVariants"][0], InitialVariantWeight=1.0)])

    def test_paginators(self):
        self.create_model("m")
        for i in range(1, 13):
            self.create_model("m%02d" % i)
            self.sagemaker.create_endpoint_config(EndpointConfigName="c%02d" % i, ProductionVariants=[{
                "VariantName": "v", "ModelName": "m",
                "ServerlessConfig": {"MemorySizeInMB": 1024, "MaxConcurrency": 1}}])
        pages = list(self.sagemaker.get_paginator("list_endpoint_configs").paginate(
            PaginationConfig={"PageSize": 5}))
        self.assertEqual(len(pages), 3)
        names = [c["EndpointConfigName"] for page in pages for c in page["EndpointConfigs"]]
        self.assertEqual(sorted(names), ["c%02d" % i for i in range(1, 13)])
        models = self.sagemaker.get_paginator("list_models").paginate(
            SortBy="Name", SortOrder="Ascending", PaginationConfig={"PageSize": 4}).build_full_result()
        self.assertEqual([m["ModelName"] for m in models["Models"]], ["m"] + ["m%02d" % i for i in range(1, 13)])
        arn = self.sagemaker.describe_model(ModelName="m")["ModelArn"]
        self.sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(5)])
        tags = self.sagemaker.get_paginator("list_tags").paginate(ResourceArn=arn).build_full_result()
        self.assertEqual([t["Key"] for t in tags["Tags"]], ["k%d" % i for i in range(5)])

    def test_tags(self):
        arn = self.create_model()
        self.sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        self.sagemaker.delete_tags(ResourceArn=arn, TagKeys=["a"])
        self.assertEqual(self.sagemaker.list_tags(ResourceArn=arn)["Tags"], [{"Key": "b", "Value": "2"}])

    def test_errors_as_botocore_raises_them(self):
        self.create_model("m")
        cases = [
            (lambda: self.sagemaker.describe_endpoint_config(EndpointConfigName="Missing"), "ValidationException",
             'Could not find endpoint configuration "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/missing".'),
            (lambda: self.sagemaker.create_model(ModelName="M"), "ValidationException",
             'Cannot create already existing model "arn:aws:sagemaker:us-east-1:123456789012:model/m".'),
            (lambda: self.sagemaker.delete_model(ModelName="x" * 63 + "_"), "ValidationException",
             "2 validation errors detected: Value '%s' at 'modelName' failed to satisfy constraint: Member must have "
             "length less than or equal to 63; Value '%s' at 'modelName' failed to satisfy constraint: Member must "
             "satisfy regular expression pattern: ^[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?" % ("x" * 63 + "_", "x" * 63 + "_")),
        ]
        for call, code, message in cases:
            self.assertClientError(call, message, code)
        arn = self.sagemaker.describe_model(ModelName="m")["ModelArn"]
        self.sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(49)])
        # Modeled SageMaker exceptions carry `Message`; botocore maps the code to its exception class.
        with self.assertRaises(self.sagemaker.exceptions.ResourceLimitExceeded) as raised:
            self.sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "x", "Value": "1"}, {"Key": "y", "Value": "2"}])
        self.assertIn("50", raised.exception.response["Error"]["Message"])

    def wait(self, waiter, name):
        """Runs boto3's waiter `waiter` on endpoint `name` with its default delay (30 s between looks) and returns
        the seconds it took. Two attempts at most: a waiter whose first look is not final costs one 30 s sleep
        here, not the default 120 attempts (an hour)."""
        started = time.monotonic()
        self.sagemaker.get_waiter(waiter).wait(EndpointName=name, WaiterConfig={"MaxAttempts": 2})
        return time.monotonic() - started

    def test_endpoint_waiters_return_on_their_first_look(self):
        self.create_endpoint_configs("config-1", "config-2")
        created = self.sagemaker.create_endpoint(EndpointName="My-Endpoint", EndpointConfigName="config-1",
                                                 Tags=[{"Key": "team", "Value": "ml"}])
        arn = created["EndpointArn"]
        self.assertEqual(arn, endpoint_arn("My-Endpoint"))
        self.assertLess(self.wait("endpoint_in_service", "My-Endpoint"), 1)

        described = self.sagemaker.describe_endpoint(EndpointName="my-endpoint")
        described.pop("ResponseMetadata")
        created_at, modified_at = described.pop("CreationTime"), described.pop("LastModifiedTime")
        # botocore turns the epoch numbers into aware datetimes.
        self.assertIsNotNone(created_at.tzinfo)
        self.assertGreaterEqual(modified_at, created_at)
        images = described["ProductionVariants"][0].pop("DeployedImages")
        self.assertEqual(len(images), 1)
        self.assertEqual(images[0]["SpecifiedImage"], IMAGE)
        # The repository pinned by a digest.
        self.assertRegex(images[0]["ResolvedImage"], r"^%s@sha256:[0-9a-f]{64}$" % re.escape(IMAGE[:-len(":latest")]))
        self.assertIsNotNone(images[0]["ResolutionTime"].tzinfo)
        self.assertEqual(described, {
            "EndpointName": "My-Endpoint", "EndpointArn": arn, "EndpointConfigName": "config-1",
            "EndpointStatus": "InService",
            "ProductionVariants": [{"VariantName": "variant-1", "CurrentWeight": 1.0, "DesiredWeight": 1.0,
                                    "CurrentInstanceCount": 1, "DesiredInstanceCount": 1}],
        })
        self.assertEqual(self.sagemaker.list_tags(ResourceArn=arn)["Tags"], [{"Key": "team", "Value": "ml"}])

        self.assertEqual(self.sagemaker.update_endpoint(EndpointName="My-Endpoint",
                                                        EndpointConfigName="config-2")["EndpointArn"], arn)
        self.assertLess(self.wait("endpoint_in_service", "My-Endpoint"), 1)
        described = self.sagemaker.describe_endpoint(EndpointName="My-Endpoint")
        self.assertEqual(described["EndpointConfigName"], "config-2")
        self.assertGreaterEqual(described["LastModifiedTime"], modified_at)

        updated = self.sagemaker.update_endpoint_weights_and_capacities(
            EndpointName="My-Endpoint",
            DesiredWeightsAndCapacities=[{"VariantName": "variant-1", "DesiredWeight": 2.5, "DesiredInstanceCount": 3}])
        self.assertEqual(updated["EndpointArn"], arn)
        self.assertLess(self.wait("endpoint_in_service", "My-Endpoint"), 1)
        variant = self.sagemaker.describe_endpoint(EndpointName="My-Endpoint")["ProductionVariants"][0]
        self.assertEqual({k: v for k, v in variant.items() if k != "DeployedImages"}, {
            "VariantName": "variant-1", "CurrentWeight": 2.5, "DesiredWeight": 2.5,
            "CurrentInstanceCount": 3, "DesiredInstanceCount": 3})

        self.sagemaker.delete_endpoint(EndpointName="My-Endpoint")
        self.assertLess(self.wait("endpoint_deleted", "My-Endpoint"), 1)
        self.assertClientError(lambda: self.sagemaker.describe_endpoint(EndpointName="My-Endpoint"),
                               'Could not find endpoint "%s".' % arn)
        self.assertEqual(self.sagemaker.list_endpoints()["Endpoints"], [])

    def test_endpoint_in_service_waiter_fails_fast_for_a_missing_endpoint(self):
        from botocore.exceptions import WaiterError
        started = time.monotonic()
        with self.assertRaises(WaiterError) as raised:
            self.wait("endpoint_in_service", "nope")
        self.assertLess(time.monotonic() - started, 1)
        # A terminal failure (the waiter's ValidationException acceptor), not "Max attempts exceeded".
        self.assertIn("terminal failure state", str(raised.exception))
        self.assertEqual(raised.exception.last_response["Error"], {
            "Code": "ValidationException",
            "Message": 'Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/nope".'})

    def test_list_endpoints_paginator(self):
        self.create_endpoint_configs("config-1")
        names = ["endpoint-%d" % i for i in range(1, 8)]
        for name in names:
            self.sagemaker.create_endpoint(EndpointName=name, EndpointConfigName="config-1")
        # PageSize is sent as MaxResults; the paginator follows NextToken.
        pages = list(self.sagemaker.get_paginator("list_endpoints").paginate(PaginationConfig={"PageSize": 3}))
        self.assertEqual([len(page["Endpoints"]) for page in pages], [3, 3, 1])
        self.assertNotIn("NextToken", pages[-1])
        summaries = [summary for page in pages for summary in page["Endpoints"]]
        # Default order: newest first.
        self.assertEqual([s["EndpointName"] for s in summaries], names[::-1])
        for summary in summaries:
            self.assertEqual(sorted(summary), ["CreationTime", "EndpointArn", "EndpointName", "EndpointStatus",
                                               "LastModifiedTime"])
            self.assertEqual(summary["EndpointArn"], endpoint_arn(summary["EndpointName"]))
            self.assertEqual(summary["EndpointStatus"], "InService")
            self.assertIsNotNone(summary["CreationTime"].tzinfo)
        # NameContains filters after MaxResults cut the page (as AWS does): some pages come back short or empty
        # with a NextToken, and the paginator still collects every match.
        pages = list(self.sagemaker.get_paginator("list_endpoints").paginate(
            NameContains="-7", SortBy="Name", SortOrder="Ascending", PaginationConfig={"PageSize": 2}))
        self.assertEqual([[s["EndpointName"] for s in page["Endpoints"]] for page in pages],
                         [[], [], [], ["endpoint-7"]])

    def test_endpoint_errors_as_botocore_raises_them(self):
        self.create_endpoint_configs("config-1")
        self.sagemaker.create_endpoint(EndpointName="e", EndpointConfigName="config-1")
        cases = [
            (lambda: self.sagemaker.describe_endpoint(EndpointName="nope"),
             'Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/nope".'),
            (lambda: self.sagemaker.delete_endpoint(EndpointName="Nope"),
             'Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/nope".'),
            (lambda: self.sagemaker.create_endpoint(EndpointName="E", EndpointConfigName="config-1"),
             'Cannot create already existing endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e".'),
            (lambda: self.sagemaker.create_endpoint(EndpointName="f", EndpointConfigName="Missing"),
             'Could not find endpoint configuration '
             '"arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/missing".'),
            (lambda: self.sagemaker.update_endpoint(EndpointName="e", EndpointConfigName="Config-1"),
             'Cannot update endpoint with the currently in use endpoint configuration "Config-1".'),
            (lambda: self.sagemaker.update_endpoint_weights_and_capacities(
                EndpointName="e", DesiredWeightsAndCapacities=[{"VariantName": "other", "DesiredWeight": 2.0}]),
             'The variant "other" does not exist in endpoint "e".'),
        ]
        for call, message in cases:
            self.assertClientError(call, message)


class Boto3ScriptedLifecycleTest(Boto3Case):
    """boto3's waiters meeting endpoint transitions scripted by lifecycle rules."""
    CAPACITY = ("CapacityError: Unable to provision requested ML compute capacity. Please retry using a different "
                "ML instance type.")

    def setUp(self):
        super().setUp()
        self.admin = self.server.client()
        self.addCleanup(self.admin.close)
        self.assertEqual(self.admin.request("DELETE", "/_sagebox/lifecycle").status, 200)
        self.create_endpoint_configs("config-1", "config-2")

    def add_rule(self, rule):
        import json
        response = self.admin.request("POST", "/_sagebox/lifecycle",
                                      json.dumps(dict(rule, resource="endpoint")).encode())
        self.assertEqual(response.status, 200, response)

    def wait_fails(self, waiter, name):
        """The WaiterError of boto3's waiter `waiter` on endpoint `name`, which must come on its first look."""
        from botocore.exceptions import WaiterError
        started = time.monotonic()
        with self.assertRaises(WaiterError) as raised:
            self.sagemaker.get_waiter(waiter).wait(EndpointName=name, WaiterConfig={"MaxAttempts": 2})
        self.assertLess(time.monotonic() - started, 1)
        self.assertIn("terminal failure state", str(raised.exception))
        return raised.exception

    def test_endpoint_in_service_waiter_fails_on_a_scripted_failed_create(self):
        self.add_rule({"name": "doomed", "on": "create", "outcome": "fail", "reason": self.CAPACITY})
        self.sagemaker.create_endpoint(EndpointName="doomed", EndpointConfigName="config-1")
        error = self.wait_fails("endpoint_in_service", "doomed")
        self.assertEqual(error.last_response["EndpointStatus"], "Failed")
        self.assertEqual(error.last_response["FailureReason"], self.CAPACITY)
        self.assertNotIn("ProductionVariants", error.last_response)

    def test_endpoint_deleted_waiter_fails_on_a_scripted_failed_delete(self):
        self.add_rule({"name": "stuck", "on": "delete", "outcome": "fail", "reason": "Could not delete."})
        self.sagemaker.create_endpoint(EndpointName="stuck", EndpointConfigName="config-1")
        self.sagemaker.delete_endpoint(EndpointName="stuck")
        error = self.wait_fails("endpoint_deleted", "stuck")
        self.assertEqual(error.last_response["FailureReason"], "Could not delete.")

    def test_a_rolled_back_update_ends_in_service_with_the_old_configuration(self):
        self.add_rule({"name": "e", "on": "update", "outcome": "fail", "reason": self.CAPACITY})
        self.sagemaker.create_endpoint(EndpointName="e", EndpointConfigName="config-1")
        self.sagemaker.update_endpoint(EndpointName="e", EndpointConfigName="config-2")
        # The waiter ends well (InService); the reason says the update did not happen.
        self.sagemaker.get_waiter("endpoint_in_service").wait(EndpointName="e", WaiterConfig={"MaxAttempts": 1})
        described = self.sagemaker.describe_endpoint(EndpointName="e")
        self.assertEqual((described["EndpointConfigName"], described["FailureReason"]), ("config-1", self.CAPACITY))


class Boto3RetryTest(Boto3Case):
    """boto3's own retries meeting a ThrottlingException injected by a fault rule."""
    THROTTLE = {"operation": "CreateEndpointConfig",
                "error": {"code": "ThrottlingException", "message": "Rate exceeded", "status": 400}}

    def setUp(self):
        super().setUp()
        self.admin = self.server.client()
        self.addCleanup(self.admin.close)
        self.assertEqual(self.admin.request("DELETE", "/_sagebox/faults").status, 200)
        self.create_model("m")

    def add_fault(self, rule):
        import json
        response = self.admin.request("POST", "/_sagebox/faults", json.dumps(rule).encode())
        self.assertEqual(response.status, 200, response)

    def fired(self):
        return [rule["fired"] for rule in self.admin.request("GET", "/_sagebox/faults").json["faults"]]

    def client_with(self, config):
        import boto3
        return boto3.session.Session().client(
            "sagemaker", endpoint_url="http://127.0.0.1:%d" % self.server.port, region_name="us-east-1",
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="secret", config=config)

    def create_config(self, sagemaker):
        return sagemaker.create_endpoint_config(EndpointConfigName="c", ProductionVariants=[{
            "VariantName": "v", "ModelName": "m", "ServerlessConfig": {"MemorySizeInMB": 1024, "MaxConcurrency": 1}}])

    def test_default_retries_get_past_one_throttle(self):
        from botocore.config import Config
        self.add_fault(dict(self.THROTTLE, times=1))
        created = self.create_config(self.client_with(Config()))
        self.assertEqual(created["ResponseMetadata"]["RetryAttempts"], 1)
        self.assertEqual(self.fired(), [1])
        self.assertEqual(self.sagemaker.describe_endpoint_config(EndpointConfigName="c")["EndpointConfigArn"],
                         created["EndpointConfigArn"])

    def test_a_lasting_throttle_outlasts_two_retries(self):
        from botocore.config import Config
        from botocore.exceptions import ClientError
        self.add_fault(dict(self.THROTTLE, times=10))
        # In the (default) legacy mode max_attempts counts the retries: three attempts in all.
        sagemaker = self.client_with(Config(retries={"max_attempts": 2, "mode": "legacy"}))
        with self.assertRaises(ClientError) as raised:
            self.create_config(sagemaker)
        error = raised.exception.response
        self.assertEqual(error["Error"], {"Code": "ThrottlingException", "Message": "Rate exceeded"})
        self.assertEqual(error["ResponseMetadata"]["RetryAttempts"], 2)
        self.assertEqual(self.fired(), [3])
        self.assertClientError(lambda: self.sagemaker.describe_endpoint_config(EndpointConfigName="c"),
                               'Could not find endpoint configuration '
                               '"arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/c".')


class Boto3TransitionDelayTest(Boto3Case):
    """sagebox with --transition-delay 0.5: the in-between states are visible. Describe is polled by hand: a
    waiter would sleep 30 s after seeing Creating."""
    flags = ("--transition-delay", "0.5")

    def poll(self, name, until, limit=3.0):
        """Describes endpoint `name` every 50 ms until `until(described)` holds; returns that answer."""
        deadline = time.monotonic() + limit
        while True:
            described = self.sagemaker.describe_endpoint(EndpointName=name)
            if until(described):
                return described
            self.assertLess(time.monotonic(), deadline, "still %s" % described["EndpointStatus"])
            time.sleep(0.05)

    def test_creating_then_in_service_after_the_delay(self):
        self.create_endpoint_configs("config-1")
        started = time.monotonic()
        arn = self.sagemaker.create_endpoint(EndpointName="e", EndpointConfigName="config-1")["EndpointArn"]
        described = self.sagemaker.describe_endpoint(EndpointName="e")
        self.assertLess(time.monotonic() - started, 0.5, "too slow to see Creating")
        self.assertEqual(described["EndpointStatus"], "Creating")
        self.assertNotIn("ProductionVariants", described)
        pending = described["PendingDeploymentSummary"]
        self.assertEqual(pending["EndpointConfigName"], "config-1")
        self.assertEqual([s["Status"] for s in pending["ProductionVariants"][0]["VariantStatus"]], ["Creating"])
        # Nothing but a Describe while it is in progress.
        self.assertClientError(lambda: self.sagemaker.delete_endpoint(EndpointName="e"),
                               'Cannot update in-progress endpoint "%s".' % arn)

        described = self.poll("e", lambda d: d["EndpointStatus"] != "Creating")
        elapsed = time.monotonic() - started
        self.assertEqual(described["EndpointStatus"], "InService")
        self.assertGreaterEqual(elapsed, 0.45)
        self.assertLess(elapsed, 2.0)
        # The status changed exactly 0.5 s after creation.
        self.assertAlmostEqual((described["LastModifiedTime"] - described["CreationTime"]).total_seconds(), 0.5,
                               places=3)
        self.assertNotIn("PendingDeploymentSummary", described)
        self.assertEqual(described["ProductionVariants"][0]["CurrentInstanceCount"], 1)

        self.sagemaker.delete_endpoint(EndpointName="e")
        self.assertEqual(self.sagemaker.describe_endpoint(EndpointName="e")["EndpointStatus"], "Deleting")
        self.assertEqual([s["EndpointStatus"] for s in self.sagemaker.list_endpoints()["Endpoints"]], ["Deleting"])
        deleted = time.monotonic()
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError):
            self.poll("e", lambda d: False)
        self.assertGreaterEqual(time.monotonic() - deleted, 0.4)
        self.assertClientError(lambda: self.sagemaker.describe_endpoint(EndpointName="e"),
                               'Could not find endpoint "%s".' % arn)


if __name__ == "__main__":
    client_support.require(importlib.util.find_spec("boto3") is not None, "boto3 tests",
                           "install boto3 (Debian: python3-boto3): scripts/setup")
    unittest.main()
