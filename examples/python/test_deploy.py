"""A test suite of the kind sagebox is for: code that deploys SageMaker endpoints, tested offline, against failures.

Run it from this folder with the module on the path:
    PYTHONPATH=../../clients/python python3 -m unittest -v test_deploy
(sagebox is found as $SAGEBOX_BINARY, on PATH, or in ../../build; `scripts/run` builds one.)
"""
import os
import unittest

import boto3
import botocore.config
import botocore.exceptions

import sagebox

HERE = os.path.dirname(os.path.abspath(__file__))


# --- the code under test: it deploys a model behind an endpoint and waits until it serves ---------------------

def deploy(sagemaker, name, model="fixture-model"):
    sagemaker.create_endpoint_config(EndpointConfigName=name + "-config", ProductionVariants=[
        {"VariantName": "variant-1", "ModelName": model, "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])
    sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=name + "-config")
    try:
        sagemaker.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig={"Delay": 1})
    except botocore.exceptions.WaiterError:
        reason = sagemaker.describe_endpoint(EndpointName=name).get("FailureReason", "unknown")
        raise RuntimeError("endpoint %s failed: %s" % (name, reason))
    return sagemaker.describe_endpoint(EndpointName=name)["EndpointArn"]


# --- the tests -------------------------------------------------------------------------------------------------

class DeployTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # One sagebox for the suite, started from fixtures: a model and a configuration (fixtures.json is what
        # GET /_sagebox/state answered after creating them).
        cls.box = sagebox.Sagebox(seed=os.path.join(HERE, "fixtures.json")).start()

    @classmethod
    def tearDownClass(cls):
        cls.box.stop()

    def setUp(self):
        # Each test starts from the fixtures, with no rules and an empty journal.
        self.box.load_state(os.path.join(HERE, "fixtures.json"))
        self.box.faults.clear()
        self.box.lifecycle.clear()
        self.box.clear_requests()
        # No retries: the test sees each answer as sagebox gave it.
        self.sagemaker = boto3.client("sagemaker", **self.box.client_kwargs(),
                                      config=botocore.config.Config(retries={"total_max_attempts": 1}))

    def test_the_fixtures_are_there(self):
        names = [m["ModelName"] for m in self.sagemaker.list_models()["Models"]]
        self.assertEqual(names, ["fixture-model"])

    def test_deploy_reaches_in_service_and_makes_the_calls_we_expect(self):
        arn = deploy(self.sagemaker, "churn")
        self.assertEqual(arn, "arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn")
        calls = [(r["operation"], r["status"]) for r in self.box.requests()]
        self.assertEqual(calls[:2], [("CreateEndpointConfig", 200), ("CreateEndpoint", 200)])
        created = self.box.requests(operation="CreateEndpoint")[0]
        self.assertEqual(created["request"]["EndpointConfigName"], "churn-config")

    def test_the_third_create_endpoint_config_is_throttled(self):
        self.box.faults.add(operation="CreateEndpointConfig", after=2, times=1, error=sagebox.THROTTLING)
        deploy(self.sagemaker, "first")
        deploy(self.sagemaker, "second")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            deploy(self.sagemaker, "third")
        self.assertEqual(raised.exception.response["Error"]["Code"], "ThrottlingException")
        throttled = self.box.requests(error="ThrottlingException")
        self.assertEqual([(r["operation"], r["status"]) for r in throttled], [("CreateEndpointConfig", 400)])

    def test_an_endpoint_that_fails_reports_its_reason(self):
        reason = sagebox.CANNOT_START_CONTAINER.format(variant="variant-1")
        self.box.lifecycle.add(resource="endpoint", name="broken", on="create", outcome="fail", reason=reason)
        with self.assertRaises(RuntimeError) as raised:
            deploy(self.sagemaker, "broken")
        self.assertEqual(str(raised.exception), "endpoint broken failed: " + reason)
        self.assertEqual(self.sagemaker.describe_endpoint(EndpointName="broken")["EndpointStatus"], "Failed")


if __name__ == "__main__":
    unittest.main()
