"""The whole state over HTTP: GET /_sagebox/state exports it, POST replaces it in one transaction, and --seed
loads one at startup into an empty database."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import boto3
from botocore.config import Config

from sagebox_harness import (BINARY, Sagebox, SageboxTestCase, endpoint_arn, model_arn, model_input,
                             full_endpoint_config_input, full_model_input, serverless_endpoint_config_input)

ACCOUNT = "123456789012"


def model_resource(name, account=ACCOUNT, region="us-east-1", created=1700000000000, tags=()):
    """A state document's model, as a hand-written seed file would give it."""
    return {"account": account, "region": region, "type": "Model", "name": name, "created": created,
            "document": {"ModelName": name, "CreationTime": created / 1000.0,
                         "ModelArn": model_arn(name, region, account),
                         "PrimaryContainer": {"Image": "img:1"}},
            "tags": [{"Key": k, "Value": v} for k, v in tags]}


def state(*resources):
    return {"sagebox_state": 1, "resources": list(resources)}


class StateCase(SageboxTestCase):
    def admin(self, method, path, body=None):
        data = b"" if body is None else (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
        return self.client.request(method, path, data, {"Content-Type": "application/json"})

    def export(self):
        response = self.admin("GET", "/_sagebox/state")
        self.assertEqual(response.status, 200, response)
        return response.raw


class RoundTripTest(StateCase):
    # Endpoints stay Creating for a minute: the export catches them mid-transition.
    flags = ("--transition-delay", "60")

    def test_export_reset_import_export_is_byte_identical(self):
        self.client.ok("CreateModel", full_model_input("m"))
        self.client.ok("CreateEndpointConfig", full_endpoint_config_input("c", "m"))
        self.client.ok("CreateEndpointConfig", serverless_endpoint_config_input("s", "m"))
        self.client.ok("CreateEndpoint", {"EndpointName": "e", "EndpointConfigName": "c",
                                          "Tags": [{"Key": "owner", "Value": "Zoë 東京"}]})
        eu = self.server.client(region="eu-west-1", access_key="111122223333")
        eu.ok("CreateModel", model_input("m"))
        eu.ok("AddTags", {"ResourceArn": model_arn("m", "eu-west-1", "111122223333"),
                          "Tags": [{"Key": "b", "Value": "ünïcödé"}, {"Key": "a", "Value": ""}]})
        described = self.client.ok("DescribeEndpoint", {"EndpointName": "e"})
        self.assertEqual(described["EndpointStatus"], "Creating")
        exported = self.export()
        self.assertEqual(json.loads(exported)["sagebox_state"], 1)
        self.assertIn("ünïcödé", exported)  # UTF-8 as it is, not escaped

        self.assertEqual(self.client.reset().status, 200)
        self.assertEqual(json.loads(self.export())["resources"], [])
        response = self.admin("POST", "/_sagebox/state", exported)
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.json, {"status": "ok", "resources": 5})
        self.assertEqual(self.export(), exported)
        self.assertEqual(self.client.ok("DescribeEndpoint", {"EndpointName": "e"}), described)
        self.assertEqual(eu.ok("ListTags", {"ResourceArn": model_arn("m", "eu-west-1", "111122223333")})["Tags"],
                         [{"Key": "b", "Value": "ünïcödé"}, {"Key": "a", "Value": ""}])
        eu.close()


class ImportTest(StateCase):
    def test_import_replaces_everything_in_one_go(self):
        self.client.ok("CreateModel", model_input("before"))
        response = self.admin("POST", "/_sagebox/state", state(model_resource("after-1"), model_resource("after-2")))
        self.assertEqual(response.status, 200, response)
        self.assertEqual(self.client.names("ListModels", "Models", "ModelName", {"SortBy": "Name", "SortOrder": "Ascending"}),
                         ["after-1", "after-2"])

    def test_a_bad_document_is_refused_with_its_place_and_changes_nothing(self):
        self.client.ok("CreateModel", model_input("kept"))
        before = self.export()
        bad_account = model_resource("new", account="12345")
        misnamed = model_resource("new")
        misnamed["document"]["ModelName"] = "other"
        for body, code, message in [
            (state(model_resource("new"), bad_account), "ValidationException",
             'resources[1].account: must be 12 digits, not "12345".'),
            (state(model_resource("kept"), misnamed), "ValidationException",
             'resources[1].document.ModelName: must be the resource\'s name "new".'),
            ({"sagebox_state": 2, "resources": []}, "ValidationException",
             "sagebox_state: must be 1, the version this sagebox reads, not 2."),
            ("{not json", "SerializationException", "The request body is not valid JSON."),
            ("[" * 100 + "]" * 100, "ValidationException",
             "The state document nests deeper than 64 levels; an exported one does not."),
        ]:
            response = self.admin("POST", "/_sagebox/state", body)
            self.assertError(response, 400, code, message)
            self.assertEqual(self.export(), before)

    def test_a_duplicate_name_differing_in_case_is_refused(self):
        second = model_resource("NEW")
        second["document"]["ModelArn"] = model_arn("new")
        response = self.admin("POST", "/_sagebox/state", state(model_resource("new"), second))
        self.assertError(response, 400, "ValidationException",
                         'resources[1].name: "NEW" is resources[0]\'s name already (names of one type, account '
                         'and region differ in more than case).')

    def test_boto3_reads_back_what_was_imported(self):
        endpoint_record = {
            "EndpointName": "seeded", "EndpointArn": endpoint_arn("seeded"), "CreationTime": 1700000000000,
            "Phase": {"Status": "Creating", "Start": 1700000000000, "End": 1700000000000, "Then": "InService"},
            "Pending": {"EndpointConfigName": "c", "StartTime": 1700000000000, "NewConfiguration": True,
                        "ProductionVariants": [{"VariantName": "v", "InstanceCount": 1, "Weight": 1.0,
                                                "InstanceType": "ml.t2.medium"}]}}
        document = state(model_resource("m", tags=[("team", "ml")]),
                         {"account": ACCOUNT, "region": "us-east-1", "type": "Endpoint", "name": "seeded",
                          "created": 1700000000000, "document": endpoint_record})
        self.assertEqual(self.admin("POST", "/_sagebox/state", document).status, 200)
        sagemaker = boto3.client("sagemaker", endpoint_url="http://127.0.0.1:%d" % self.server.port,
                                 region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test",
                                 config=Config(retries={"max_attempts": 1}))
        model = sagemaker.describe_model(ModelName="m")
        self.assertEqual(model["ModelArn"], model_arn("m"))
        self.assertEqual(model["CreationTime"].timestamp(), 1700000000.0)
        self.assertEqual(sagemaker.list_tags(ResourceArn=model_arn("m"))["Tags"], [{"Key": "team", "Value": "ml"}])
        endpoint = sagemaker.describe_endpoint(EndpointName="seeded")
        self.assertEqual(endpoint["EndpointStatus"], "InService")
        self.assertEqual(endpoint["EndpointConfigName"], "c")
        self.assertEqual(endpoint["ProductionVariants"][0]["CurrentInstanceCount"], 1)
        self.assertEqual([e["EndpointName"] for e in sagemaker.list_endpoints()["Endpoints"]], ["seeded"])


class SeedTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="sagebox-seed-test-")
        self.seed = os.path.join(self.directory, "seed.json")
        with open(self.seed, "w", encoding="utf-8") as f:
            json.dump(state(model_resource("seeded", tags=[("k", "ü")])), f, ensure_ascii=False)

    def tearDown(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def models(self, *flags):
        server = Sagebox(*flags).start()
        client = server.client()
        try:
            return client.names("ListModels", "Models", "ModelName")
        finally:
            client.close()
            self.assertEqual(server.stop(), 0)

    def test_a_seed_fills_an_empty_database(self):
        self.assertEqual(self.models("--seed", self.seed), ["seeded"])
        db = os.path.join(self.directory, "state.db")
        self.assertEqual(self.models("--db", db, "--seed", self.seed), ["seeded"])

    def test_a_seed_leaves_a_database_with_resources_as_it_is(self):
        db = os.path.join(self.directory, "state.db")
        server = Sagebox("--db", db).start()
        client = server.client()
        client.ok("CreateModel", model_input("mine"))
        client.close()
        self.assertEqual(server.stop(), 0)
        self.assertEqual(self.models("--db", db, "--seed", self.seed), ["mine"])

    def test_the_environment_names_a_seed_too(self):
        env = dict(os.environ, SAGEBOX_SEED=self.seed)
        process = subprocess.Popen([BINARY, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   text=True, env=env)
        try:
            line = process.stdout.readline()
            from sagebox_harness import Client
            client = Client(int(line.strip().rsplit(":", 1)[1]))
            self.assertEqual(client.names("ListModels", "Models", "ModelName"), ["seeded"])
            client.close()
        finally:
            process.terminate()
            self.assertEqual(process.wait(timeout=45), 0)
            process.stdout.close()

    def run_with_seed(self, path):
        return subprocess.run([BINARY, "--port", "0", "--seed", path], capture_output=True, text=True, timeout=30)

    def test_a_bad_seed_stops_startup_with_exit_two(self):
        bad = os.path.join(self.directory, "bad.json")
        with open(bad, "w", encoding="utf-8") as f:
            json.dump(state(model_resource("ok"), model_resource("bad", region="us east")), f)
        result = self.run_with_seed(bad)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")  # never listened
        self.assertIn("sagebox: seed file %s: resources[1].region: must be a region" % bad,
                      result.stderr)

        missing = os.path.join(self.directory, "missing.json")
        result = self.run_with_seed(missing)
        self.assertEqual(result.returncode, 2)
        self.assertIn("sagebox: seed file %s: cannot be read: No such file or directory" % missing, result.stderr)

        with open(bad, "w", encoding="utf-8") as f:
            f.write('{"sagebox_state": 1, "resources": [')
        result = self.run_with_seed(bad)
        self.assertEqual(result.returncode, 2)
        self.assertIn("sagebox: seed file %s: is not valid JSON." % bad, result.stderr)


class StrictStateTest(unittest.TestCase):
    def test_the_state_paths_need_the_admin_token(self):
        directory = tempfile.mkdtemp(prefix="sagebox-state-strict-")
        credentials = os.path.join(directory, "credentials")
        with open(credentials, "w") as f:
            f.write("AKIDEXAMPLE secret 111122223333\n")
        server = Sagebox("--auth", "strict", "--credentials", credentials, "--admin-token", "t0ken").start()
        anyone = server.client(sign=False)
        try:
            body = json.dumps(state(model_resource("m"))).encode("utf-8")
            for method, data in (("GET", b""), ("POST", body)):
                for headers in ({}, {"X-Sagebox-Admin-Token": "wrong"}):
                    response = anyone.request(method, "/_sagebox/state", data, headers)
                    self.assertEqual(response.status, 403, response)
                    self.assertEqual(response.json["__type"], "AccessDeniedException")
            token = {"X-Sagebox-Admin-Token": "t0ken"}
            self.assertEqual(anyone.request("POST", "/_sagebox/state", body, token).status, 200)
            exported = json.loads(anyone.request("GET", "/_sagebox/state", b"", token).raw)
            self.assertEqual([r["name"] for r in exported["resources"]], ["m"])
        finally:
            anyone.close()
            self.assertEqual(server.stop(), 0)
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
