"""The SageMaker Runtime through boto3's sagemaker-runtime client: InvokeEndpoint and
InvokeEndpointWithResponseStream routed the way the endpoint's configuration says, to the built-in echo, to real
containers (model_server.py), or to canned answers; ModelError and the other errors with AWS's text; shadow
copies, the request journal, fault rules and data capture."""
import json
import os
import shutil
import tempfile
import unittest

import boto3
import botocore.config
import botocore.exceptions

from model_server import ModelServer
from sagebox_harness import DEFAULT_ACCOUNT, Sagebox, model_input


def clients(port, region="us-east-1", access_key="AKIAIOSFODNN7EXAMPLE"):
    options = dict(endpoint_url="http://127.0.0.1:%d" % port, region_name=region, aws_access_key_id=access_key,
                   aws_secret_access_key="secret",
                   config=botocore.config.Config(retries={"total_max_attempts": 1}, read_timeout=30))
    return boto3.client("sagemaker", **options), boto3.client("sagemaker-runtime", **options)


def admin(client, method, path, body=None):
    data = b"" if body is None else json.dumps(body).encode("utf-8")
    return client.request(method, path, data, {"Content-Type": "application/json"})


def deploy(sagemaker, endpoint, variants, shadows=(), capture=None):
    """A model per variant (named after it), a configuration and an endpoint. `variants` and `shadows` are
    (name, weight) pairs."""
    def variant(name, weight):
        sagemaker.create_model(**model_input("model-" + name))
        return {"VariantName": name, "ModelName": "model-" + name, "InitialVariantWeight": weight,
                "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}
    config = {"EndpointConfigName": endpoint + "-config",
              "ProductionVariants": [variant(name, weight) for name, weight in variants]}
    if shadows:
        config["ShadowProductionVariants"] = [variant(name, weight) for name, weight in shadows]
    if capture:
        config["DataCaptureConfig"] = capture
    sagemaker.create_endpoint_config(**config)
    sagemaker.create_endpoint(EndpointName=endpoint, EndpointConfigName=endpoint + "-config")


class RuntimeTestCase(unittest.TestCase):
    flags = ()

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="sagebox-runtime-")
        cls.server = Sagebox(*cls.extra_flags(), *cls.flags).start()
        cls.sagemaker, cls.runtime = clients(cls.server.port)

    @classmethod
    def extra_flags(cls):
        return ()

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        shutil.rmtree(cls.directory, ignore_errors=True)
        assert code == 0, "sagebox exited with %r" % code

    def setUp(self):
        self.client = self.server.client()
        self.assertEqual(self.client.reset().status, 200)
        self.assertEqual(admin(self.client, "DELETE", "/_sagebox/backends").status, 200)
        self.assertEqual(admin(self.client, "DELETE", "/_sagebox/faults").status, 200)
        self.assertEqual(admin(self.client, "DELETE", "/_sagebox/requests").status, 200)

    def tearDown(self):
        self.client.close()

    def set_backend(self, model, url):
        response = admin(self.client, "PUT", "/_sagebox/backends/" + model, {"url": url})
        self.assertEqual(response.status, 200, response)
        return response.json

    def assertClientError(self, call, code, message, status):
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            call()
        error = raised.exception.response
        self.assertEqual(error["Error"]["Code"], code)
        self.assertEqual(error["Error"]["Message"], message)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], status)
        return error


class EchoTest(RuntimeTestCase):
    def test_without_a_container_the_echo_says_how_the_call_was_routed(self):
        deploy(self.sagemaker, "e1", [("only", 1.0)])
        answer = self.runtime.invoke_endpoint(EndpointName="e1", Body=b"1,2,3", ContentType="text/csv",
                                              Accept="application/json", CustomAttributes="trace=7")
        self.assertEqual(answer["ContentType"], "application/json")
        self.assertEqual(answer["InvokedProductionVariant"], "only")
        self.assertEqual(answer["CustomAttributes"], "trace=7")
        self.assertEqual(json.loads(answer["Body"].read()),
                         {"Endpoint": "e1", "Variant": "only", "Model": "model-only", "ContentType": "text/csv",
                          "Accept": "application/json", "CustomAttributes": "trace=7", "BodyLength": 5})
        self.assertRegex(answer["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"], "^[0-9a-f-]{36}$")

    def test_an_unknown_endpoint_is_a_validation_error_naming_it_as_given(self):
        self.assertClientError(lambda: self.runtime.invoke_endpoint(EndpointName="No-Such", Body=b"x"),
                               "ValidationError", "Endpoint No-Such of account %s not found." % DEFAULT_ACCOUNT,
                               400)

    def test_an_endpoint_is_found_in_the_callers_account_only(self):
        deploy(self.sagemaker, "e1", [("only", 1.0)])
        _, other = clients(self.server.port, access_key="210987654321")
        self.assertClientError(lambda: other.invoke_endpoint(EndpointName="e1", Body=b"x"), "ValidationError",
                               "Endpoint e1 of account 210987654321 not found.", 400)

    def test_names_are_checked_as_the_runtime_model_says(self):
        response = self.client.request("POST", "/endpoints/bad_name/invocations", b"x", {})
        self.assertEqual(response.status, 400)
        self.assertEqual(response.headers["x-amzn-errortype"], "ValidationError")
        self.assertEqual(response.json, {"Message": "1 validation error detected: Value 'bad_name' at 'endpointName' "
                                                    "failed to satisfy constraint: Member must satisfy regular "
                                                    "expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*"})

    def test_the_target_variant_header_picks_the_variant(self):
        deploy(self.sagemaker, "e1", [("a", 1.0), ("b", 0.0)])
        answer = self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x", TargetVariant="b")
        self.assertEqual(answer["InvokedProductionVariant"], "b")
        self.assertClientError(lambda: self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x", TargetVariant="c"),
                               "ValidationError", "Target variant c is not found for endpoint e1.", 400)

    def test_an_endpoint_updated_to_another_configuration_routes_by_it_at_once(self):
        deploy(self.sagemaker, "e1", [("a", 1.0)])
        self.assertEqual(json.loads(self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x")["Body"].read())["Model"],
                         "model-a")
        deploy_config = {"EndpointConfigName": "e1-next", "ProductionVariants": [
            {"VariantName": "b", "ModelName": "model-a", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}]}
        self.sagemaker.create_endpoint_config(**deploy_config)
        self.sagemaker.update_endpoint(EndpointName="e1", EndpointConfigName="e1-next")
        self.sagemaker.get_waiter("endpoint_in_service").wait(EndpointName="e1", WaiterConfig={"Delay": 0.1})
        answer = self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x")
        self.assertEqual(answer["InvokedProductionVariant"], "b")

    def test_an_endpoint_that_is_not_in_service_cannot_be_invoked(self):
        self.sagemaker.create_model(**model_input("m"))
        self.sagemaker.create_endpoint_config(
            EndpointConfigName="c", ProductionVariants=[{"VariantName": "v", "ModelName": "m",
                                                         "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}])
        response = admin(self.client, "POST", "/_sagebox/lifecycle",
                         {"resource": "endpoint", "name": "held", "on": "create", "outcome": "hold"})
        self.assertEqual(response.status, 200, response)
        try:
            self.sagemaker.create_endpoint(EndpointName="held", EndpointConfigName="c")
            self.assertClientError(lambda: self.runtime.invoke_endpoint(EndpointName="held", Body=b"x"),
                                   "ValidationError",
                                   "Endpoint held of account %s is not in service (status Creating)." % DEFAULT_ACCOUNT,
                                   400)
        finally:
            admin(self.client, "DELETE", "/_sagebox/lifecycle")
            admin(self.client, "POST", "/_sagebox/lifecycle/release", {})
        self.assertEqual(self.runtime.invoke_endpoint(EndpointName="held", Body=b"x")["InvokedProductionVariant"], "v")

    def test_a_body_over_6_mib_is_refused_and_6_mib_is_taken(self):
        deploy(self.sagemaker, "e1", [("only", 1.0)])
        answer = self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x" * (6 * 1024 * 1024))
        self.assertEqual(json.loads(answer["Body"].read())["BodyLength"], 6 * 1024 * 1024)
        response = self.client.request("POST", "/endpoints/e1/invocations", b"x" * (6 * 1024 * 1024 + 1), {})
        self.assertEqual(response.status, 413)

    def test_invocations_are_journaled_and_fault_rules_apply_to_them(self):
        deploy(self.sagemaker, "e1", [("only", 1.0)])
        rule = {"operation": "InvokeEndpoint", "name": "e1", "times": 1,
                "error": {"code": "ModelNotReadyException", "message": "not yet", "status": 429}}
        self.assertEqual(admin(self.client, "POST", "/_sagebox/faults", rule).status, 200)
        self.assertClientError(lambda: self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x"),
                               "ModelNotReadyException", "not yet", 429)
        self.runtime.invoke_endpoint(EndpointName="e1", Body=b'{"a": 1}', ContentType="application/json")
        entries = admin(self.client, "GET", "/_sagebox/requests?operation=InvokeEndpoint").json["requests"]
        self.assertEqual([(e["status"], e["error_code"], e["variant"]) for e in entries],
                         [(429, "ModelNotReadyException", None), (200, None, "only")])
        self.assertEqual(entries[1]["request"], {"a": 1})
        self.assertEqual(entries[1]["response"]["BodyLength"], 8)


class WeightsTest(RuntimeTestCase):
    flags = ("--random-seed", "42")

    def shares(self, endpoint, calls):
        counts = {}
        for _ in range(calls):
            response = self.client.request("POST", "/endpoints/%s/invocations" % endpoint, b"x", {})
            self.assertEqual(response.status, 200, response)
            variant = response.headers["x-amzn-invoked-production-variant"]
            counts[variant] = counts.get(variant, 0) + 1
        return {variant: count / calls for variant, count in counts.items()}

    def test_over_10000_calls_the_shares_match_the_weights_within_2_points(self):
        deploy(self.sagemaker, "e1", [("a", 3.0), ("b", 1.0), ("c", 0.0)])
        shares = self.shares("e1", 10000)
        self.assertNotIn("c", shares)
        self.assertAlmostEqual(shares["a"], 0.75, delta=0.02)
        self.assertAlmostEqual(shares["b"], 0.25, delta=0.02)

    def test_new_weights_route_the_next_calls(self):
        deploy(self.sagemaker, "e1", [("a", 1.0), ("b", 1.0)])
        self.assertEqual(set(self.shares("e1", 50)), {"a", "b"})  # routed by the first weights before the change
        self.sagemaker.update_endpoint_weights_and_capacities(
            EndpointName="e1", DesiredWeightsAndCapacities=[{"VariantName": "a", "DesiredWeight": 0.0}])
        self.assertEqual(self.shares("e1", 200), {"b": 1.0})

    def test_the_same_seed_draws_the_same_variants(self):
        def draws():
            server = Sagebox("--random-seed", "7").start()
            try:
                sagemaker, runtime = clients(server.port)
                deploy(sagemaker, "e1", [("a", 1.0), ("b", 1.0), ("c", 1.0)])
                return [runtime.invoke_endpoint(EndpointName="e1", Body=b"x")["InvokedProductionVariant"]
                        for _ in range(30)]
            finally:
                server.stop()
        first = draws()
        self.assertEqual(first, draws())
        self.assertEqual(set(first), {"a", "b", "c"})


class ContainerTest(RuntimeTestCase):
    flags = ("--backend-timeout", "1")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.models = {name: ModelServer(name).start() for name in ("one", "two", "shadow")}

    @classmethod
    def tearDownClass(cls):
        for model in cls.models.values():
            model.stop()
        super().tearDownClass()

    def test_the_container_gets_the_body_and_headers_and_its_answer_comes_back(self):
        deploy(self.sagemaker, "e1", [("one", 1.0)])
        self.assertEqual(self.set_backend("model-one", self.models["one"].url),
                         {"model": "model-one", "url": self.models["one"].url, "ping": True})
        answer = self.runtime.invoke_endpoint(EndpointName="e1", Body=b'{"text": "1,2"}', ContentType="text/plain",
                                              Accept="text/csv", CustomAttributes="c=1", InferenceId="inf-1")
        self.assertEqual(answer["ContentType"], "text/plain")
        self.assertEqual(answer["Body"].read(), b"1,2")
        received = self.models["one"].invocations()[-1]
        self.assertEqual(received, {"server": "one", "body": '{"text": "1,2"}', "content_type": "text/plain",
                                    "accept": "text/csv", "custom_attributes": "c=1", "inference_id": "inf-1"})
        self.assertEqual(answer["CustomAttributes"], "c=1")

    def test_a_containers_4xx_and_5xx_are_model_errors_with_awss_text(self):
        deploy(self.sagemaker, "e1", [("one", 1.0)])
        self.set_backend("model-one", self.models["one"].url)
        for status, kind in ((400, "client"), (500, "server")):
            body = json.dumps({"status": status, "message": "unable to evaluate payload provided"}).encode()
            error = self.assertClientError(
                lambda: self.runtime.invoke_endpoint(EndpointName="e1", Body=body), "ModelError",
                'Received %s error (%d) from model with message "unable to evaluate payload provided". See '
                "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEventViewer:group="
                "/aws/sagemaker/Endpoints/e1 in account %s for more information." % (kind, status, DEFAULT_ACCOUNT),
                424)
            self.assertEqual(error["OriginalStatusCode"], status)
            self.assertEqual(error["OriginalMessage"], "unable to evaluate payload provided")
            self.assertEqual(error["LogStreamArn"],
                             "arn:aws:logs:us-east-1:%s:log-group:/aws/sagemaker/Endpoints/e1" % DEFAULT_ACCOUNT)

    def test_a_container_that_is_down_or_slow(self):
        deploy(self.sagemaker, "e1", [("one", 1.0)])
        down = ModelServer("down")
        url = down.url
        down.stop()
        self.assertEqual(self.set_backend("model-one", url)["ping"], False)
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x")
        self.assertEqual(raised.exception.response["Error"]["Code"], "ServiceUnavailable")
        self.assertIn("could not be reached at " + url, raised.exception.response["Error"]["Message"])
        self.set_backend("model-one", self.models["one"].url)
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.runtime.invoke_endpoint(EndpointName="e1", Body=json.dumps({"sleep": 2}).encode())
        self.assertEqual(raised.exception.response["Error"]["Code"], "ModelError")
        self.assertIn("Received server error (0) from model with message \"Your invocation timed out while waiting "
                      "for a response from container one.", raised.exception.response["Error"]["Message"])
        # The server goes on serving, and the container too.
        self.assertEqual(self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x")["InvokedProductionVariant"],
                         "one")

    def test_a_shadow_variant_gets_a_copy_whose_answer_is_journaled_not_returned(self):
        deploy(self.sagemaker, "e1", [("one", 1.0)], shadows=[("shadow", 1.0)])
        self.set_backend("model-one", self.models["one"].url)
        self.set_backend("model-shadow", self.models["shadow"].url)
        before = len(self.models["shadow"].invocations())
        answer = self.runtime.invoke_endpoint(EndpointName="e1", Body=b"copy me", ContentType="text/plain")
        self.assertEqual(json.loads(answer["Body"].read())["server"], "one")
        self.assertEqual(answer["InvokedProductionVariant"], "one")
        for _ in range(100):
            entries = admin(self.client, "GET", "/_sagebox/requests?operation=InvokeEndpoint").json["requests"]
            if len(entries) == 2:
                break
        shadow = [e for e in entries if e["shadow"]]
        self.assertEqual(len(shadow), 1, entries)
        self.assertEqual((shadow[0]["variant"], shadow[0]["status"], shadow[0]["response"]["server"]),
                         ("shadow", 200, "shadow"))
        self.assertEqual(self.models["shadow"].invocations()[before:][0]["body"], "copy me")

    def test_many_concurrent_invocations_all_come_back(self):
        import concurrent.futures
        deploy(self.sagemaker, "e1", [("one", 1.0), ("two", 1.0)])
        self.set_backend("model-one", self.models["one"].url)
        self.set_backend("model-two", self.models["two"].url)

        def call(i):
            _, runtime = clients(self.server.port)
            body = json.loads(runtime.invoke_endpoint(EndpointName="e1", Body=str(i).encode())["Body"].read())
            return body["body"]
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            self.assertEqual(sorted(pool.map(call, range(64)), key=int), [str(i) for i in range(64)])


class CannedAnswerTest(RuntimeTestCase):
    def test_queued_answers_come_first_in_order_then_the_echo(self):
        deploy(self.sagemaker, "e1", [("a", 1.0), ("b", 1.0)])
        response = admin(self.client, "POST", "/_sagebox/endpoints/e1/answers",
                         {"answers": [{"Body": "first", "ContentType": "text/plain"},
                                      {"Body": "oops", "StatusCode": 400},
                                      {"Body": "third", "Variant": "b", "CustomAttributes": "x=1"}]})
        self.assertEqual(response.json, {"queued": 3})
        first = self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x")
        self.assertEqual((first["Body"].read(), first["ContentType"]), (b"first", "text/plain"))
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x")
        self.assertEqual(raised.exception.response["OriginalMessage"], "oops")
        third = self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x")
        self.assertEqual((third["Body"].read(), third["InvokedProductionVariant"], third["CustomAttributes"]),
                         (b"third", "b", "x=1"))
        self.assertIn("BodyLength", json.loads(self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x")["Body"].read()))

    def test_motos_endpoint_results_work_as_in_moto(self):
        deploy(self.sagemaker, "e1", [("a", 1.0)])
        response = admin(self.client, "POST", "/moto-api/static/sagemaker/endpoint-results",
                         {"results": [{"Body": "first body", "ContentType": "text/xml",
                                       "InvokedProductionVariant": "prod", "CustomAttributes": "my_attr"},
                                      {"Body": "second body"}]})
        self.assertEqual((response.status, response.raw), (201, ""))
        first = self.runtime.invoke_endpoint(EndpointName="e1", Body=b"input")
        self.assertEqual((first["Body"].read(), first["ContentType"], first["InvokedProductionVariant"],
                          first["CustomAttributes"]), (b"first body", "text/xml", "prod", "my_attr"))
        # The same input gets the same result again; another takes the next one.
        self.assertEqual(self.runtime.invoke_endpoint(EndpointName="e1", Body=b"input")["Body"].read(), b"first body")
        self.assertEqual(self.runtime.invoke_endpoint(EndpointName="e1", Body=b"other")["Body"].read(), b"second body")

    def test_a_reset_empties_the_queues(self):
        deploy(self.sagemaker, "e1", [("a", 1.0)])
        admin(self.client, "POST", "/_sagebox/endpoints/e1/answers", {"answers": [{"Body": "canned"}]})
        self.assertEqual(self.client.reset().status, 200)
        deploy(self.sagemaker, "e1", [("a", 1.0)])
        self.assertIn(b"BodyLength", self.runtime.invoke_endpoint(EndpointName="e1", Body=b"x")["Body"].read())


class StreamingTest(RuntimeTestCase):
    def test_the_answer_comes_as_payload_parts(self):
        deploy(self.sagemaker, "e1", [("only", 1.0)])
        admin(self.client, "POST", "/_sagebox/endpoints/e1/answers",
              {"answers": [{"Body": "y" * 100000, "ContentType": "text/event-stream"}]})
        answer = self.runtime.invoke_endpoint_with_response_stream(EndpointName="e1", Body=b"x")
        self.assertEqual(answer["ContentType"], "text/event-stream")
        self.assertEqual(answer["InvokedProductionVariant"], "only")
        parts = [event["PayloadPart"]["Bytes"] for event in answer["Body"]]
        self.assertGreater(len(parts), 1)
        self.assertEqual(b"".join(parts), b"y" * 100000)


class CaptureTest(RuntimeTestCase):
    @classmethod
    def extra_flags(cls):
        return ("--capture-dir", os.path.join(cls.directory, "capture"))

    def test_capture_files_in_sagemakers_layout_and_format(self):
        capture = {"EnableCapture": True, "InitialSamplingPercentage": 100,
                   "DestinationS3Uri": "s3://bucket/monitoring",
                   "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
                   "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"],
                                                "JsonContentTypes": ["application/json"]}}
        deploy(self.sagemaker, "e1", [("only", 1.0)], capture=capture)
        self.runtime.invoke_endpoint(EndpointName="e1", Body=b"1,2,3", ContentType="text/csv", InferenceId="i-1")
        root = os.path.join(self.directory, "capture", "bucket", "monitoring", "e1", "only")
        files = [os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names]
        self.assertEqual(len(files), 1, files)
        self.assertRegex(os.path.relpath(files[0], root), r"^\d{4}/\d{2}/\d{2}/\d{2}/\d{2}-\d{2}-\d{3}-[0-9a-f-]{36}\.jsonl$")
        with open(files[0]) as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual(len(lines), 1)
        record = lines[0]
        self.assertEqual(record["captureData"]["endpointInput"],
                         {"observedContentType": "text/csv", "mode": "INPUT", "data": "1,2,3", "encoding": "CSV"})
        output = record["captureData"]["endpointOutput"]
        self.assertEqual((output["observedContentType"], output["mode"], output["encoding"]),
                         ("application/json", "OUTPUT", "JSON"))
        self.assertEqual(json.loads(output["data"])["BodyLength"], 5)
        self.assertEqual(record["eventMetadata"]["inferenceId"], "i-1")
        self.assertEqual(record["eventVersion"], "0")


class StrictAuthTest(RuntimeTestCase):
    """Invocations are signed for service "sagemaker", as the JSON API's calls are, and checked the same way."""

    @classmethod
    def extra_flags(cls):
        path = os.path.join(cls.directory, "credentials")
        with open(path, "w") as f:
            f.write("AKIDRUNTIME000000001 runtime-secret 111122223333\n")
        return ("--auth", "strict", "--credentials", path)

    def setUp(self):
        self.client = self.server.client(sign=False)  # the admin paths are open without an admin token

    def test_a_good_signature_invokes_and_a_bad_one_is_refused(self):
        def signed(secret):
            options = dict(endpoint_url="http://127.0.0.1:%d" % self.server.port, region_name="eu-west-1",
                           aws_access_key_id="AKIDRUNTIME000000001", aws_secret_access_key=secret,
                           config=botocore.config.Config(retries={"total_max_attempts": 1}))
            return boto3.client("sagemaker", **options), boto3.client("sagemaker-runtime", **options)
        sagemaker, runtime = signed("runtime-secret")
        deploy(sagemaker, "e1", [("only", 1.0)])
        answer = json.loads(runtime.invoke_endpoint(EndpointName="e1", Body=b"abc")["Body"].read())
        self.assertEqual((answer["Endpoint"], answer["BodyLength"]), ("e1", 3))
        _, forged = signed("wrong-secret")
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            forged.invoke_endpoint(EndpointName="e1", Body=b"abc")
        self.assertEqual(raised.exception.response["Error"]["Code"], "InvalidSignatureException")
        self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        unsigned = self.client.request("POST", "/endpoints/e1/invocations", b"abc", {})
        self.assertEqual((unsigned.status, unsigned.headers["x-amzn-errortype"]),
                         (400, "MissingAuthenticationTokenException"))


if __name__ == "__main__":
    unittest.main()
