"""Fault rules over HTTP: /_sagebox/faults adds, lists and deletes them; the SageMaker API then answers errors,
answers late, or drops connections as they say, before the operation runs."""
import http.client
import json
import re
import threading
import time
import unittest

from sagebox_harness import (SageboxTestCase, StrictSageboxTestCase, endpoint_config_arn, model_arn, model_input,
                             serverless_endpoint_config_input)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SMALLEST = {"operation": "CreateEndpointConfig",
            "error": {"code": "ThrottlingException", "message": "Rate exceeded", "status": 400}, "times": 1}


class FaultsCase(SageboxTestCase):
    """Starts each test with no resources and no fault rules."""

    def setUp(self):
        super().setUp()
        self.assertEqual(self.admin("DELETE", "/_sagebox/faults").status, 200)

    def admin(self, method, path, body=None, headers=None):
        data = b"" if body is None else (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
        return self.client.request(method, path, data, dict({"Content-Type": "application/json"}, **(headers or {})))

    def add(self, rule):
        response = self.admin("POST", "/_sagebox/faults", rule)
        self.assertEqual(response.status, 200, response)
        return response.json

    def fired(self):
        return [rule["fired"] for rule in self.admin("GET", "/_sagebox/faults").json["faults"]]

    def elapsed(self, call):
        started = time.monotonic()
        result = call()
        return result, time.monotonic() - started


class FaultsTest(FaultsCase):
    def create_config(self, client=None, name="c"):
        client = client or self.client
        return client.call("CreateEndpointConfig", serverless_endpoint_config_input(name, "m"))

    def test_the_smallest_rule_throttles_once_and_the_faulted_create_changes_nothing(self):
        self.client.ok("CreateModel", model_input("m"))
        added = self.add(SMALLEST)
        self.assertRegex(added["id"], r"^fault-[0-9]+$")
        self.assertEqual(added, dict(SMALLEST, id=added["id"], probability=1.0, fired=0))
        response = self.create_config()
        self.assertError(response, 400, "ThrottlingException", "Rate exceeded")
        self.assertEqual(response.headers["content-type"], "application/x-amz-json-1.1")
        self.assertRegex(response.headers["x-amzn-requestid"], UUID)
        self.assertEqual(response.json, {"__type": "ThrottlingException", "message": "Rate exceeded"})
        self.assertError(self.client.call("DescribeEndpointConfig", {"EndpointConfigName": "c"}), 400,
                         "ValidationException",
                         'Could not find endpoint configuration "%s".' % endpoint_config_arn("c"))
        self.assertEqual(self.fired(), [1])
        self.assertEqual(self.create_config().status, 200)
        self.assertEqual(self.fired(), [1])  # used up: listed still, firing no more

    def test_after_makes_the_third_create_the_one_throttled(self):
        self.client.ok("CreateModel", model_input("m"))
        self.assertEqual(self.add(dict(SMALLEST, after=2))["after"], 2)
        statuses = [self.create_config(name=name).status for name in ("c1", "c2", "c3", "c4")]
        self.assertEqual(statuses, [200, 200, 400, 200])
        self.assertError(self.client.call("DescribeEndpointConfig", {"EndpointConfigName": "c3"}), 400,
                         "ValidationException",
                         'Could not find endpoint configuration "%s".' % endpoint_config_arn("c3"))
        self.assertEqual(self.fired(), [1])

    def test_server_error_statuses(self):
        self.add({"operation": "ListModels", "times": 1,
                  "error": {"code": "ServiceUnavailable", "message": "Service is unavailable", "status": 503}})
        self.add({"operation": "ListModels", "times": 1,
                  "error": {"code": "InternalFailure", "message": "It broke", "status": 500}})
        self.assertError(self.client.call("ListModels", {}), 503, "ServiceUnavailable", "Service is unavailable")
        self.assertError(self.client.call("ListModels", {}), 500, "InternalFailure", "It broke")
        self.assertEqual(self.client.call("ListModels", {}).status, 200)
        self.assertEqual(self.fired(), [1, 1])

    def test_latency_delays_the_real_answer(self):
        self.add({"operation": "CreateModel", "latency_ms": 600})
        results = {}

        def slow_create():
            client = self.server.client()
            results["create"], results["took"] = self.elapsed(lambda: client.call("CreateModel", model_input("m")))
            client.close()

        thread = threading.Thread(target=slow_create)
        thread.start()
        time.sleep(0.2)
        # The operation runs after the wait: nothing yet; and other calls are answered meanwhile.
        described, took = self.elapsed(lambda: self.client.call("DescribeModel", {"ModelName": "m"}))
        self.assertError(described, 400, "ValidationException")
        self.assertLess(took, 0.3)
        thread.join()
        self.assertEqual(results["create"].status, 200, results["create"])
        self.assertGreaterEqual(results["took"], 0.6)
        self.assertLess(results["took"], 3)
        self.assertEqual(self.client.ok("DescribeModel", {"ModelName": "m"})["ModelArn"], model_arn("m"))
        self.assertEqual(self.fired(), [1])

    def test_latency_with_an_error(self):
        self.add({"operation": "ListModels", "latency_ms": 300,
                  "error": {"code": "ThrottlingException", "message": "Slow down", "status": 400}})
        response, took = self.elapsed(lambda: self.client.call("ListModels", {}))
        self.assertError(response, 400, "ThrottlingException", "Slow down")
        self.assertGreaterEqual(took, 0.3)

    def test_connection_reset_and_close_are_seen_by_the_client_and_change_nothing(self):
        for how, raised in (("reset", ConnectionResetError), ("close", http.client.RemoteDisconnected)):
            with self.subTest(how):
                self.admin("DELETE", "/_sagebox/faults")
                self.add({"operation": "CreateModel", "connection": how})
                client = self.server.client(reconnect=False)
                with self.assertRaises(raised):
                    client.call("CreateModel", model_input("m"))
                client.close()
                self.assertError(self.client.call("DescribeModel", {"ModelName": "m"}), 400, "ValidationException")
                self.assertEqual(self.fired(), [1])
                # The server goes on serving, on new connections and on kept-alive ones.
                self.assertEqual(self.client.call("ListModels", {}).status, 200)

    def test_times_and_probability(self):
        self.add({"operation": "ListModels", "probability": 0, "connection": "reset"})
        self.add({"operation": "ListModels", "times": 3, "probability": 1,
                  "error": {"code": "ThrottlingException", "message": "Rate exceeded", "status": 400}})
        statuses = [self.client.call("ListModels", {}).status for _ in range(10)]
        self.assertEqual(statuses, [400] * 3 + [200] * 7)
        self.assertEqual(self.fired(), [0, 3])
        self.add({"operation": "DescribeModel", "latency_ms": 1})  # probability 1 by default: every time
        for _ in range(5):
            self.client.call("DescribeModel", {"ModelName": "m"})
        self.assertEqual(self.fired(), [0, 3, 5])

    def test_matching_by_operation_account_region_and_name(self):
        error = {"code": "ThrottlingException", "message": "Rate exceeded", "status": 400}
        self.add({"operation": "CreateModel", "name": "Target", "error": dict(error, message="by name")})
        self.add({"operation": "AddTags", "name": "tagged", "error": dict(error, message="by arn")})
        self.add({"operation": "ListModels", "account": "111122223333", "error": dict(error, message="by account")})
        self.add({"operation": "ListModels", "region": "eu-west-1", "error": dict(error, message="by region")})
        self.add({"operation": "*", "region": "ap-south-1", "error": dict(error, message="any operation")})

        def message(response):
            return response.error()[1] if response.status != 200 else "ok"

        self.assertEqual(message(self.client.call("CreateModel", model_input("target"))), "by name")
        self.assertEqual(message(self.client.call("CreateModel", model_input("other"))), "ok")
        self.client.ok("CreateModel", model_input("tagged"))
        tags = {"Tags": [{"Key": "k", "Value": "v"}]}
        self.assertEqual(message(self.client.call("AddTags", dict(tags, ResourceArn=model_arn("tagged")))), "by arn")
        self.assertEqual(message(self.client.call("AddTags", dict(tags, ResourceArn=model_arn("other")))), "ok")
        self.assertEqual(message(self.client.call("ListModels", {})), "ok")
        for kwargs, expected in (({"access_key": "111122223333"}, "by account"), ({"region": "eu-west-1"}, "by region"),
                                 ({"region": "ap-south-1"}, "any operation")):
            client = self.server.client(**kwargs)
            self.assertEqual(message(client.call("ListModels", {})), expected, kwargs)
            client.close()
        client = self.server.client(region="ap-south-1")
        self.assertEqual(message(client.call("DescribeEndpoint", {"EndpointName": "e"})), "any operation")
        client.close()
        self.assertEqual(self.fired(), [1, 1, 1, 1, 2])

    def test_listing_and_deleting(self):
        first = self.add(SMALLEST)
        second = self.add({"operation": "*", "account": "111122223333", "region": "eu-west-1", "name": "x",
                           "probability": 0.5, "connection": "close"})
        self.assertEqual(second, {"id": second["id"], "operation": "*", "account": "111122223333",
                                  "region": "eu-west-1", "name": "x", "probability": 0.5, "connection": "close",
                                  "fired": 0})
        self.assertNotEqual(first["id"], second["id"])
        self.client.ok("CreateModel", model_input("m"))
        self.create_config()
        listed = self.admin("GET", "/_sagebox/faults").json
        self.assertEqual(listed, {"faults": [dict(first, fired=1), second]})
        removed = self.admin("DELETE", "/_sagebox/faults/" + first["id"])
        self.assertEqual(removed.status, 200)
        self.assertEqual(removed.json, dict(first, fired=1))
        missing = self.admin("DELETE", "/_sagebox/faults/" + first["id"])
        self.assertError(missing, 404, "ResourceNotFoundException", 'No fault rule has the id "%s".' % first["id"])
        self.assertEqual(self.admin("GET", "/_sagebox/faults").json, {"faults": [second]})
        self.add(SMALLEST)
        self.assertEqual(self.admin("DELETE", "/_sagebox/faults").json, {"deleted": 2})
        self.assertEqual(self.admin("GET", "/_sagebox/faults").json, {"faults": []})
        self.assertError(self.admin("PUT", "/_sagebox/faults"), 405, "UnknownOperationException")
        self.assertEqual(self.admin("PUT", "/_sagebox/faults").headers["allow"], "POST, GET, DELETE")

    def test_reset_clears_resources_not_faults(self):
        rule = self.add(SMALLEST)
        self.assertEqual(self.client.reset().status, 200)
        self.assertEqual(self.admin("GET", "/_sagebox/faults").json, {"faults": [rule]})

    def test_validation_messages(self):
        error = {"code": "ThrottlingException", "message": "Rate exceeded", "status": 400}
        cases = [
            ("not json", "SerializationException", "The request body is not valid JSON."),
            ([], "ValidationException", "A fault rule must be a JSON object, not []."),
            ({"operation": "CreateEndpointConfig", "error": error, "Times": 1}, "ValidationException",
             'Unknown member "Times" in the fault rule; its members are operation, account, region, name, '
             "after, probability, times, error, latency_ms and connection."),
            ({"operation": "CreateEndpointConfig", "error": error, "times": "1"}, "ValidationException",
             '"times" must be an integer of at least 1, not "1".'),
            ({"operation": "CreateEndpointConfig", "error": error, "times": 0}, "ValidationException",
             '"times" must be an integer of at least 1, not 0.'),
            ({"operation": "CreateEndpointConfig", "error": error, "probability": 1.01}, "ValidationException",
             '"probability" must be a number from 0 to 1, not 1.01.'),
            ({"operation": "CreateEndpointConfig", "error": dict(error, status=600)}, "ValidationException",
             '"error.status" must be an integer from 400 to 599, not 600.'),
            ({"operation": "CreateTrainingJob", "error": error}, "ValidationException",
             'Unknown operation "CreateTrainingJob": name an operation sagebox serves, such as '
             'CreateEndpointConfig, or "*" for any.'),
            ({"operation": "*"}, "ValidationException",
             'A fault rule needs what to do: "error", "latency_ms" or "connection".'),
            ({"operation": "*", "error": error, "connection": "reset"}, "ValidationException",
             'A fault rule either answers an error or drops the connection: give "error" or "connection", '
             "not both."),
            ({"operation": "*", "latency_ms": 10, "connection": "close"}, "ValidationException",
             '"latency_ms" goes with "error" or alone, not with "connection".'),
        ]
        for body, code, message in cases:
            with self.subTest(body=body):
                self.assertError(self.admin("POST", "/_sagebox/faults", body), 400, code, message)
        self.assertEqual(self.admin("GET", "/_sagebox/faults").json, {"faults": []})


class OneThreadFaultsTest(FaultsCase):
    """With one event loop, waiting calls must not hold it: the waits overlap and other calls go on."""
    flags = ("--threads", "1")

    def test_waits_overlap_and_hold_no_thread(self):
        self.add({"operation": "ListModels", "latency_ms": 800})
        results = []

        def slow_list():
            client = self.server.client()
            results.append(self.elapsed(lambda: client.call("ListModels", {})))
            client.close()

        threads = [threading.Thread(target=slow_list) for _ in range(3)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(0.1)
        response, took = self.elapsed(lambda: self.client.call("DescribeModel", {"ModelName": "m"}))
        self.assertEqual(response.status, 400)
        self.assertLess(took, 0.3)
        for thread in threads:
            thread.join()
        self.assertEqual([r.status for r, _ in results], [200] * 3)
        self.assertTrue(all(took >= 0.8 for _, took in results), results)
        self.assertLess(time.monotonic() - started, 2.0)  # one after another would take 2.4 s


CREDENTIALS = "AKIDALICE alice-secret 111122223333\n"


class StrictFaultsTest(StrictSageboxTestCase):
    credentials = CREDENTIALS

    def test_every_fault_path_needs_the_admin_token(self):
        anyone = self.server.client(sign=False)
        self.addCleanup(anyone.close)
        body = json.dumps(SMALLEST).encode()
        paths = [("POST", "/_sagebox/faults", body), ("GET", "/_sagebox/faults", b""),
                 ("DELETE", "/_sagebox/faults", b""), ("DELETE", "/_sagebox/faults/fault-1", b"")]
        for method, path, data in paths:
            for headers in ({}, {"X-Sagebox-Admin-Token": "wrong"}):
                response = anyone.request(method, path, data, headers)
                self.assertEqual(response.status, 403, (method, path, response))
                self.assertEqual(response.json["__type"], "AccessDeniedException")
        self.assertEqual(anyone.request("GET", "/_sagebox/health").status, 200)  # the one open admin path

        token = {"X-Sagebox-Admin-Token": "t0ken"}
        self.assertEqual(anyone.request("GET", "/_sagebox/faults", headers=token).json, {"faults": []})
        rule = dict(SMALLEST, operation="ListModels", account="111122223333")
        added = anyone.request("POST", "/_sagebox/faults", json.dumps(rule).encode(), token)
        self.assertEqual(added.status, 200, added)
        alice = self.server.client(access_key="AKIDALICE", secret="alice-secret")
        self.addCleanup(alice.close)
        # The account is the one the credentials file gives the key.
        self.assertEqual(alice.call("ListModels", {}).error(), ("ThrottlingException", "Rate exceeded"))
        # A request that fails authentication fires nothing.
        self.assertEqual(anyone.call("ListModels", {}).error()[0], "MissingAuthenticationTokenException")
        listed = anyone.request("GET", "/_sagebox/faults", headers=token).json["faults"]
        self.assertEqual([r["fired"] for r in listed], [1])
        self.assertEqual(anyone.request("DELETE", "/_sagebox/faults/" + added.json["id"], headers=token).status, 200)
        self.assertEqual(alice.call("ListModels", {}).status, 200)


if __name__ == "__main__":
    unittest.main()
