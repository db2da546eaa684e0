"""Tests of the sagebox module for test authors, against the real binary ($SAGEBOX_BINARY, which ctest sets)."""
import json
import os
import sys
import tempfile
import unittest
import urllib.request
from unittest import mock

import boto3
import botocore.config
import botocore.exceptions

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sagebox  # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/sagemaker"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:1"
# One attempt per call: what the tests see is what sagebox answered, not what a retry made of it.
NO_RETRIES = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"})


def sagemaker(box, **kwargs):
    return boto3.client("sagemaker", config=kwargs.pop("config", NO_RETRIES), **box.client_kwargs(**kwargs))


def create_config(client, name, model="m"):
    client.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[
        {"VariantName": "v1", "ModelName": model, "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])


class StartingAndStopping(unittest.TestCase):
    def test_a_context_manager_starts_on_a_free_port_and_stops(self):
        with sagebox.Sagebox() as box:
            self.assertRegex(box.url, r"^http://127\.0\.0\.1:[0-9]+$")
            self.assertEqual(box.endpoint_url, box.url)
            self.assertEqual(box.health()["status"], "ok")
            process = box._process
        self.assertIsNotNone(process.poll())  # stopped
        self.assertEqual(process.returncode, 0)
        with self.assertRaises(OSError):
            urllib.request.urlopen(box.url + "/_sagebox/health", timeout=5)

    def test_two_run_side_by_side_each_with_its_own_state(self):
        with sagebox.Sagebox() as first, sagebox.Sagebox() as second:
            self.assertNotEqual(first.url, second.url)
            sagemaker(first).create_model(ModelName="only-here", ExecutionRoleArn=ROLE,
                                          PrimaryContainer={"Image": IMAGE})
            self.assertEqual(len(sagemaker(first).list_models()["Models"]), 1)
            self.assertEqual(sagemaker(second).list_models()["Models"], [])

    def test_keyword_arguments_become_flags(self):
        with tempfile.TemporaryDirectory() as directory:
            db = os.path.join(directory, "state.db")
            with sagebox.Sagebox(db=db, transition_delay=60, log_level="debug") as box:
                client = sagemaker(box)
                client.create_model(ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
                create_config(client, "c")
                client.create_endpoint(EndpointName="e", EndpointConfigName="c")
                self.assertEqual(client.describe_endpoint(EndpointName="e")["EndpointStatus"], "Creating")
            self.assertTrue(os.path.getsize(db) > 0)
            with sagebox.Sagebox(db=db) as box:  # the same file: what was written is there
                self.assertEqual([m["ModelName"] for m in sagemaker(box).list_models()["Models"]], ["m"])

    def test_a_binary_that_cannot_start_says_why(self):
        with self.assertRaises(RuntimeError) as raised:
            sagebox.Sagebox(transition_delay="soon").start()
        self.assertIn("transition-delay", str(raised.exception))

    def test_a_missing_binary_is_named(self):
        with tempfile.TemporaryDirectory() as empty, \
                mock.patch.dict(os.environ, {"PATH": empty, "SAGEBOX_BINARY": ""}), \
                mock.patch.object(sagebox, "_ROOT", empty):
            with self.assertRaises(FileNotFoundError) as raised:
                sagebox.Sagebox(binary=os.path.join(empty, "sagebox")).start()
        self.assertIn("SAGEBOX_BINARY", str(raised.exception))

    def test_serve_is_a_fixture_generator(self):
        fixture = sagebox.serve()
        box = next(fixture)
        self.assertEqual(box.health()["status"], "ok")
        process = box._process
        with self.assertRaises(StopIteration):
            next(fixture)
        self.assertIsNotNone(process.poll())

    def test_connect_drives_a_running_sagebox(self):
        with sagebox.Sagebox() as started:
            box = sagebox.Sagebox.connect(started.url + "/")
            sagemaker(box).create_model(ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
            box.reset()
            self.assertEqual(sagemaker(started).list_models()["Models"], [])
            with box:  # entering a connected sagebox starts nothing; leaving it stops nothing
                pass
            self.assertEqual(started.health()["status"], "ok")
        with self.assertRaises(OSError):
            sagebox.Sagebox.connect(started.url)


class StrictMode(unittest.TestCase):
    def test_the_admin_token_given_as_a_flag_is_sent(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as credentials:
            credentials.write("AKIDSTRICT secret-strict 111122223333\n")
            credentials.flush()
            with sagebox.Sagebox(auth="strict", credentials=credentials.name, admin_token="t0ken") as box:
                box.reset()
                self.assertEqual(box.faults.list(), [])
                outsider = sagebox.Sagebox.connect(box.url)
                with self.assertRaises(sagebox.SageboxError) as raised:
                    outsider.reset()
                self.assertEqual((raised.exception.status, raised.exception.code), (403, "AccessDeniedException"))
                sagebox.Sagebox.connect(box.url, admin_token="t0ken").reset()


class ControlPlane(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fixture = sagebox.serve()
        cls.box = next(cls.fixture)

    @classmethod
    def tearDownClass(cls):
        cls.fixture.close()

    def setUp(self):
        self.box.reset()
        self.box.faults.clear()
        self.client = sagemaker(self.box)
        self.client.create_model(ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})

    def test_fault_rules_add_list_remove_clear(self):
        rule = self.box.faults.add(operation="CreateEndpointConfig", after=2, times=1, error=sagebox.THROTTLING)
        self.assertEqual(rule["id"][:6], "fault-")
        self.assertEqual(rule["after"], 2)
        outcomes = []
        for name in ("c1", "c2", "c3", "c4"):
            try:
                create_config(self.client, name)
                outcomes.append("ok")
            except botocore.exceptions.ClientError as error:
                outcomes.append(error.response["Error"]["Code"])
        self.assertEqual(outcomes, ["ok", "ok", "ThrottlingException", "ok"])
        self.assertEqual([r["fired"] for r in self.box.faults.list()], [1])
        second = self.box.faults.add({"operation": "*", "latency_ms": 1})
        self.assertEqual(self.box.faults.remove(rule)["id"], rule["id"])
        self.assertEqual([r["id"] for r in self.box.faults.list()], [second["id"]])
        self.assertEqual(self.box.faults.clear(), 1)
        self.assertEqual(self.box.faults.list(), [])

    def test_boto3_retries_an_injected_throttle_and_succeeds(self):
        self.box.faults.add(operation="CreateEndpointConfig", times=1, error=sagebox.THROTTLING)
        retrying = sagemaker(self.box, config=botocore.config.Config(retries={"mode": "standard"}))
        create_config(retrying, "c")
        self.assertEqual(self.client.describe_endpoint_config(EndpointConfigName="c")["EndpointConfigName"], "c")
        self.assertEqual(self.box.faults.list()[0]["fired"], 1)

    def test_a_refused_rule_raises_with_sageboxs_message(self):
        with self.assertRaises(sagebox.SageboxError) as raised:
            self.box.faults.add(operation="CreateEndpointConfig", times=0, error=sagebox.THROTTLING)
        self.assertEqual((raised.exception.status, raised.exception.code), (400, "ValidationException"))
        self.assertEqual(raised.exception.message, '"times" must be an integer of at least 1, not 0.')
        with self.assertRaises(sagebox.SageboxError) as raised:
            self.box.faults.remove("fault-999999")
        self.assertEqual(raised.exception.status, 404)

    def test_lifecycle_rules_fail_hold_and_release(self):
        self.box.lifecycle.clear()
        create_config(self.client, "c")
        failing = self.box.lifecycle.add(resource="endpoint", name="doomed", on="create", outcome="fail",
                                         reason=sagebox.CAPACITY_ERROR)
        self.box.lifecycle.add({"resource": "endpoint", "name_prefix": "slow-", "on": "create", "outcome": "hold"})
        self.client.create_endpoint(EndpointName="doomed", EndpointConfigName="c")
        described = self.client.describe_endpoint(EndpointName="doomed")
        self.assertEqual((described["EndpointStatus"], described["FailureReason"]), ("Failed", sagebox.CAPACITY_ERROR))
        with self.assertRaises(botocore.exceptions.WaiterError):
            self.client.get_waiter("endpoint_in_service").wait(EndpointName="doomed", WaiterConfig={"Delay": 1})
        self.client.create_endpoint(EndpointName="slow-1", EndpointConfigName="c")
        self.assertEqual(self.client.describe_endpoint(EndpointName="slow-1")["EndpointStatus"], "Creating")
        released = self.box.lifecycle.release(name="slow-1")
        self.assertEqual(released["released"],
                         [{"account": "123456789012", "region": "us-east-1", "name": "slow-1"}])
        self.assertEqual(self.client.describe_endpoint(EndpointName="slow-1")["EndpointStatus"], "InService")
        self.assertEqual([r["fired"] for r in self.box.lifecycle.list()], [1, 1])
        self.assertEqual(self.box.lifecycle.remove(failing)["id"], failing["id"])
        self.assertEqual(self.box.lifecycle.clear(), 1)

    def test_the_journal_lists_and_filters_calls(self):
        self.box.clear_requests()
        self.client.describe_model(ModelName="m")
        with self.assertRaises(botocore.exceptions.ClientError):
            self.client.describe_model(ModelName="missing")
        calls = self.box.requests()
        self.assertEqual([(c["operation"], c["status"]) for c in calls],
                         [("DescribeModel", 200), ("DescribeModel", 400)])
        self.assertEqual(calls[1]["request"], {"ModelName": "missing"})
        self.assertEqual(len(self.box.requests(status=400)), 1)
        self.assertEqual(self.box.requests(error="ValidationException")[0]["request"], {"ModelName": "missing"})
        self.assertEqual(self.box.requests(limit=1), calls[1:])
        self.assertEqual(self.box.requests(since=calls[1]["time"]), calls[1:])
        self.assertEqual(self.box.clear_requests(), 2)
        self.assertEqual(self.box.requests(), [])
        with self.assertRaises(sagebox.SageboxError) as raised:
            self.box.requests(status="teapot")
        self.assertEqual(raised.exception.status, 400)

    def test_state_round_trips_and_loads_from_a_file(self):
        self.client.add_tags(ResourceArn="arn:aws:sagemaker:us-east-1:123456789012:model/m",
                             Tags=[{"Key": "team", "Value": "ml"}])
        saved = self.box.state()
        self.assertEqual([(r["type"], r["name"]) for r in saved["resources"]], [("Model", "m")])
        self.box.reset()
        self.assertEqual(self.box.state()["resources"], [])
        with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
            json.dump(saved, file)
            file.flush()
            self.box.load_state(file.name)
        self.assertEqual(self.box.state(), saved)
        self.assertEqual(self.client.list_tags(ResourceArn="arn:aws:sagemaker:us-east-1:123456789012:model/m")["Tags"],
                         [{"Key": "team", "Value": "ml"}])
        with self.assertRaises(sagebox.SageboxError) as raised:
            self.box.load_state({"sagebox_state": 2, "resources": []})
        self.assertEqual((raised.exception.status, raised.exception.code), (400, "ValidationException"))
        self.assertEqual(self.box.state(), saved)  # a refused document changes nothing

    def test_client_kwargs_pick_the_account_and_region(self):
        other = sagemaker(self.box, region="eu-west-1", account="111122223333")
        other.create_model(ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
        self.assertEqual(other.describe_model(ModelName="m")["ModelArn"],
                         "arn:aws:sagemaker:eu-west-1:111122223333:model/m")

    def test_backends_and_canned_answers_drive_invocations(self):
        self.client.create_endpoint_config(EndpointConfigName="c", ProductionVariants=[
            {"VariantName": "v", "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}])
        self.client.create_endpoint(EndpointName="e", EndpointConfigName="c")
        runtime = boto3.client("sagemaker-runtime", **self.box.runtime_kwargs(),
                               config=botocore.config.Config(retries={"total_max_attempts": 1}))
        self.assertEqual(self.box.queue_answers("e", "canned", {"Body": "no", "StatusCode": 400}), 2)
        self.assertEqual(runtime.invoke_endpoint(EndpointName="e", Body=b"x")["Body"].read(), b"canned")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            runtime.invoke_endpoint(EndpointName="e", Body=b"x")
        self.assertEqual(raised.exception.response["Error"]["Code"], "ModelError")
        self.assertEqual(self.box.set_backend("m", "http://127.0.0.1:9")["ping"], False)
        self.assertEqual(self.box.backends(), {"m": "http://127.0.0.1:9"})
        self.assertEqual(self.box.clear_backends(), 1)
        self.box.queue_answers("e", "left over")
        self.assertEqual(self.box.clear_answers(), 1)
        echo = json.loads(runtime.invoke_endpoint(EndpointName="e", Body=b"abc")["Body"].read())
        self.assertEqual((echo["Variant"], echo["BodyLength"]), ("v", 3))
        with self.assertRaises(sagebox.SageboxError) as refused:
            self.box.set_backend("m", "https://secure")
        self.assertEqual(refused.exception.status, 400)


if __name__ == "__main__":
    unittest.main()
