"""Scripted endpoint lifecycles over HTTP: /_sagebox/lifecycle adds, lists and deletes rules; the endpoint
operations then fail, roll back or hold as they say, and /_sagebox/lifecycle/release ends a hold."""
import json
import unittest

from sagebox_harness import (SageboxTestCase, StoredSageboxTestCase, endpoint_arn, model_input,
                             serverless_endpoint_config_input)

CANNOT_START = ("CannotStartContainerError. Please ensure the model container for variant serverless starts "
                "correctly when invoked with 'docker run <image> serve'")
CAPACITY = ("CapacityError: Unable to provision requested ML compute capacity. Please retry using a different ML "
            "instance type.")


def admin(client, method, path, body=None):
    data = b"" if body is None else (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
    return client.request(method, path, data, {"Content-Type": "application/json"})


def deploy_inputs(client):
    """A model and two configurations, c and d, to create and update endpoints with."""
    client.ok("CreateModel", model_input("m"))
    for name in ("c", "d"):
        client.ok("CreateEndpointConfig", serverless_endpoint_config_input(name, "m"))


class LifecycleTest(SageboxTestCase):
    def setUp(self):
        super().setUp()
        self.assertEqual(admin(self.client, "DELETE", "/_sagebox/lifecycle").status, 200)
        deploy_inputs(self.client)

    def add(self, rule):
        response = admin(self.client, "POST", "/_sagebox/lifecycle", dict({"resource": "endpoint"}, **rule))
        self.assertEqual(response.status, 200, response)
        return response.json

    def describe(self, name):
        return self.client.ok("DescribeEndpoint", {"EndpointName": name})

    def names_with_status(self, status):
        return self.client.names("ListEndpoints", "Endpoints", "EndpointName", {"StatusEquals": status})

    def test_the_smallest_rule_makes_the_next_create_fail_with_its_reason(self):
        rule = {"resource": "endpoint", "name": "e1", "on": "create", "outcome": "fail", "reason": CAPACITY}
        added = self.add(rule)
        self.assertRegex(added["id"], r"^lifecycle-[0-9]+$")
        self.assertEqual(added, dict(rule, id=added["id"], times=1, fired=0))
        self.client.ok("CreateEndpoint", {"EndpointName": "e1", "EndpointConfigName": "c"})
        described = self.describe("e1")
        self.assertEqual(described["EndpointStatus"], "Failed")
        self.assertEqual(described["FailureReason"], CAPACITY)
        self.assertEqual(described["EndpointConfigName"], "c")
        self.assertNotIn("ProductionVariants", described)
        self.assertEqual(self.names_with_status("Failed"), ["e1"])
        self.assertEqual(self.names_with_status("InService"), [])
        self.assertError(self.client.call("UpdateEndpoint", {"EndpointName": "e1", "EndpointConfigName": "d"}),
                         400, "ValidationException", 'Cannot update failed endpoint "%s".' % endpoint_arn("e1"))
        self.assertEqual(admin(self.client, "GET", "/_sagebox/lifecycle").json["rules"][0]["fired"], 1)
        # Only the next create: used up, the rule lets the endpoint be made again normally.
        self.client.ok("DeleteEndpoint", {"EndpointName": "e1"})
        self.client.ok("CreateEndpoint", {"EndpointName": "e1", "EndpointConfigName": "c"})
        self.assertEqual(self.describe("e1")["EndpointStatus"], "InService")

    def test_a_failed_update_rolls_back_and_the_next_good_one_clears_the_reason(self):
        self.client.ok("CreateEndpoint", {"EndpointName": "e", "EndpointConfigName": "c"})
        self.add({"name_prefix": "E", "on": "update", "outcome": "fail", "reason": CANNOT_START})
        self.client.ok("UpdateEndpoint", {"EndpointName": "e", "EndpointConfigName": "d"})
        described = self.describe("e")
        self.assertEqual((described["EndpointStatus"], described["EndpointConfigName"], described["FailureReason"]),
                         ("InService", "c", CANNOT_START))
        self.assertEqual(self.names_with_status("InService"), ["e"])
        self.client.ok("UpdateEndpoint", {"EndpointName": "e", "EndpointConfigName": "d"})
        described = self.describe("e")
        self.assertEqual(described["EndpointConfigName"], "d")
        self.assertNotIn("FailureReason", described)

    def test_a_refused_call_consumes_nothing(self):
        self.add({"name": "e", "on": "create", "outcome": "fail", "reason": CAPACITY})
        self.assertError(self.client.call("CreateEndpoint", {"EndpointName": "e", "EndpointConfigName": "nope"}),
                         400, "ValidationException")
        self.assertError(self.client.call("CreateEndpoint", {"EndpointName": "e!", "EndpointConfigName": "c"}),
                         400, "ValidationException")
        self.assertEqual(admin(self.client, "GET", "/_sagebox/lifecycle").json["rules"][0]["fired"], 0)
        self.client.ok("CreateEndpoint", {"EndpointName": "e", "EndpointConfigName": "c"})
        self.assertEqual(self.describe("e")["EndpointStatus"], "Failed")

    def test_a_hold_lasts_until_released(self):
        self.add({"name_prefix": "held-", "on": "create", "outcome": "hold", "times": 2})
        for name in ("held-1", "held-2", "held-3"):
            self.client.ok("CreateEndpoint", {"EndpointName": name, "EndpointConfigName": "c"})
        self.assertEqual(sorted(self.names_with_status("Creating")), ["held-1", "held-2"])
        self.assertEqual(self.describe("held-3")["EndpointStatus"], "InService")
        released = admin(self.client, "POST", "/_sagebox/lifecycle/release", {"name": "HELD-1"})
        self.assertEqual(released.status, 200, released)
        self.assertEqual(released.json, {"released": [{"account": "123456789012", "region": "us-east-1",
                                                       "name": "held-1"}]})
        self.assertEqual(self.describe("held-1")["EndpointStatus"], "InService")
        self.assertEqual(self.describe("held-2")["EndpointStatus"], "Creating")
        self.assertEqual(admin(self.client, "POST", "/_sagebox/lifecycle/release", {}).json["released"][0]["name"],
                         "held-2")
        self.assertEqual(self.describe("held-2")["EndpointStatus"], "InService")
        self.assertEqual(admin(self.client, "POST", "/_sagebox/lifecycle/release", {}).json, {"released": []})

    def test_rules_are_listed_deleted_and_validated(self):
        first = self.add({"name": "a", "on": "delete", "outcome": "hold"})
        second = self.add({"name": "b", "on": "update", "outcome": "fail", "reason": "r", "account": "111122223333",
                           "region": "eu-west-1", "times": 2})
        self.assertEqual(admin(self.client, "GET", "/_sagebox/lifecycle").json, {"rules": [first, second]})
        self.assertEqual(admin(self.client, "DELETE", "/_sagebox/lifecycle/" + first["id"]).json, first)
        self.assertError(admin(self.client, "DELETE", "/_sagebox/lifecycle/" + first["id"]), 404,
                         "ResourceNotFoundException", 'No lifecycle rule has the id "%s".' % first["id"])
        self.assertEqual(admin(self.client, "DELETE", "/_sagebox/lifecycle").json, {"deleted": 1})
        refused = admin(self.client, "POST", "/_sagebox/lifecycle",
                        {"resource": "endpoint", "name": "a", "on": "create", "outcome": "fail"})
        self.assertError(refused, 400, "ValidationException",
                         '"outcome": "fail" needs "reason": the endpoint\'s FailureReason.')
        self.assertError(admin(self.client, "POST", "/_sagebox/lifecycle", "{"), 400, "SerializationException")
        self.assertEqual(admin(self.client, "GET", "/_sagebox/lifecycle").json, {"rules": []})


class LifecycleRestartTest(StoredSageboxTestCase):
    """A held status is data in the store: it outlasts a restart, and a release after the restart finds it."""

    def test_a_hold_survives_a_restart_and_is_released_after_it(self):
        client = self.start()
        deploy_inputs(client)
        for name, on in (("creating", "create"), ("deleting", "delete")):
            response = admin(client, "POST", "/_sagebox/lifecycle",
                             {"resource": "endpoint", "name": name, "on": on, "outcome": "hold"})
            self.assertEqual(response.status, 200, response)
        client.ok("CreateEndpoint", {"EndpointName": "creating", "EndpointConfigName": "c"})
        client.ok("CreateEndpoint", {"EndpointName": "deleting", "EndpointConfigName": "c"})
        client.ok("DeleteEndpoint", {"EndpointName": "deleting"})
        other = self.server.client(access_key="111122223333", region="eu-west-1")
        deploy_inputs(other)
        admin(client, "POST", "/_sagebox/lifecycle",
              {"resource": "endpoint", "name": "creating", "on": "create", "outcome": "hold"})
        other.ok("CreateEndpoint", {"EndpointName": "creating", "EndpointConfigName": "c"})
        other.close()

        client = self.restart(client)
        # Rules are in memory: gone with the restart. The held statuses are not.
        self.assertEqual(admin(client, "GET", "/_sagebox/lifecycle").json, {"rules": []})
        self.assertEqual(client.ok("DescribeEndpoint", {"EndpointName": "creating"})["EndpointStatus"], "Creating")
        self.assertEqual(client.ok("DescribeEndpoint", {"EndpointName": "deleting"})["EndpointStatus"], "Deleting")
        statuses = {e["EndpointName"]: e["EndpointStatus"] for e in client.ok("ListEndpoints", {})["Endpoints"]}
        self.assertEqual(statuses, {"creating": "Creating", "deleting": "Deleting"})

        released = admin(client, "POST", "/_sagebox/lifecycle/release", {"region": "us-east-1"}).json["released"]
        self.assertEqual(sorted(e["name"] for e in released), ["creating", "deleting"])
        self.assertEqual(client.ok("DescribeEndpoint", {"EndpointName": "creating"})["EndpointStatus"], "InService")
        self.assertEqual(client.call("DescribeEndpoint", {"EndpointName": "deleting"}).status, 400)
        self.assertEqual(admin(client, "POST", "/_sagebox/lifecycle/release", {}).json["released"],
                         [{"account": "111122223333", "region": "eu-west-1", "name": "creating"}])
        client.close()


if __name__ == "__main__":
    unittest.main()
