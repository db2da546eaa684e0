"""The dashboard over HTTP: GET /_sagebox/ serves the embedded page and /_sagebox/ui/ its files, open even in strict
mode; GET /_sagebox/resources answers every resource of every account and region as Describe and ListTags answer
it at that moment. (tests/ui/ drives the page itself in a browser.)"""
import os
import re
import time
import unittest

from sagebox_harness import (DEFAULT_ACCOUNT, SageboxTestCase, StrictSageboxTestCase, model_arn, model_input,
                             serverless_endpoint_config_input)

ELSEWHERE = "111122223333"


class PageTest(SageboxTestCase):
    def test_the_page_and_every_file_it_names_are_served_from_the_binary(self):
        for path in ("/_sagebox/", "/_sagebox"):
            page = self.client.request("GET", path)
            self.assertEqual(page.status, 200, page)
            self.assertEqual(page.headers["content-type"], "text/html; charset=utf-8")
            self.assertIn("default-src 'self'", page.headers["content-security-policy"])
            self.assertIn("<title>sagebox dashboard</title>", page.raw)
        files = re.findall(r'(?:href|src)="(/_sagebox/ui/[^"]+)"', page.raw)
        self.assertEqual(sorted(files), ["/_sagebox/ui/dashboard.css", "/_sagebox/ui/dashboard.js"])
        types = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
        for path in files:
            served = self.client.request("GET", path)
            self.assertEqual(served.status, 200, (path, served))
            self.assertEqual(served.headers["content-type"], types[os.path.splitext(path)[1]])
            with open(os.path.join(os.path.dirname(__file__), "..", "..", "src", "admin", "dashboard",
                                   os.path.basename(path)), encoding="utf-8") as source:
                self.assertEqual(served.raw, source.read())
        # Nothing the page loads comes from elsewhere: no scheme-qualified URL in any of its files.
        for path in ["/_sagebox/", *files]:
            self.assertNotRegex(self.client.request("GET", path).raw, r"(?:src|href)=\"https?:|url\(https?:|import .* from 'https?:")

    def test_an_unknown_file_is_404_and_other_methods_are_405(self):
        missing = self.client.request("GET", "/_sagebox/ui/nope.js")
        self.assertError(missing, 404, "UnknownOperationException", 'The dashboard has no file "nope.js".')
        self.assertEqual(self.client.request("POST", "/_sagebox/").status, 405)
        self.assertEqual(self.client.request("DELETE", "/_sagebox/ui/dashboard.js").status, 405)
        self.assertError(self.client.request("GET", "/_sagebox/ui/a/b"), 404, "UnknownOperationException",
                         "No such admin path: /_sagebox/ui/a/b")


class ResourcesTest(SageboxTestCase):
    def resources(self):
        response = self.client.request("GET", "/_sagebox/resources")
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.headers["content-type"], "application/x-amz-json-1.1")
        return response.json["resources"]

    def test_nothing_stored_is_an_empty_list(self):
        self.assertEqual(self.resources(), [])

    def test_every_account_and_region_as_describe_and_list_tags_answer_it(self):
        self.client.ok("CreateModel", dict(model_input("m"), Tags=[{"Key": "team", "Value": "ü"}, {"Key": "b", "Value": ""}]))
        self.client.ok("CreateEndpointConfig", serverless_endpoint_config_input("c", "m"))
        self.client.ok("CreateEndpoint", {"EndpointName": "e", "EndpointConfigName": "c"})
        elsewhere = self.server.client(access_key=ELSEWHERE, region="eu-west-1")
        self.addCleanup(elsewhere.close)
        elsewhere.ok("CreateModel", model_input("Other"))

        listed = self.resources()
        self.assertEqual([(r["account"], r["region"], r["type"], r["name"]) for r in listed], [
            (ELSEWHERE, "eu-west-1", "Model", "Other"),
            (DEFAULT_ACCOUNT, "us-east-1", "Endpoint", "e"),
            (DEFAULT_ACCOUNT, "us-east-1", "EndpointConfig", "c"),
            (DEFAULT_ACCOUNT, "us-east-1", "Model", "m"),
        ])
        by_name = {r["name"]: r for r in listed}
        self.assertEqual(by_name["Other"]["document"], elsewhere.ok("DescribeModel", {"ModelName": "Other"}))
        self.assertEqual(by_name["Other"]["arn"], model_arn("other", "eu-west-1", ELSEWHERE))
        for name, operation, member in (("m", "DescribeModel", "ModelName"),
                                        ("c", "DescribeEndpointConfig", "EndpointConfigName"),
                                        ("e", "DescribeEndpoint", "EndpointName")):
            described = self.client.ok(operation, {member: name})
            self.assertEqual(by_name[name]["document"], described)
            self.assertEqual(by_name[name]["tags"], self.client.ok("ListTags", {"ResourceArn": by_name[name]["arn"]})["Tags"])
        self.assertEqual(by_name["m"]["tags"], [{"Key": "team", "Value": "ü"}, {"Key": "b", "Value": ""}])
        self.assertEqual(by_name["e"]["document"]["EndpointStatus"], "InService")

    def test_deleted_and_reset_resources_are_gone(self):
        self.client.ok("CreateModel", model_input("m"))
        self.client.ok("CreateModel", model_input("n"))
        self.client.ok("DeleteModel", {"ModelName": "m"})
        self.assertEqual([r["name"] for r in self.resources()], ["n"])
        self.client.reset()
        self.assertEqual(self.resources(), [])


class LiveStatusTest(SageboxTestCase):
    flags = ("--transition-delay", "1")

    def test_an_endpoints_status_is_the_live_one(self):
        self.client.ok("CreateModel", model_input("m"))
        self.client.ok("CreateEndpointConfig", serverless_endpoint_config_input("c", "m"))
        self.client.ok("CreateEndpoint", {"EndpointName": "e", "EndpointConfigName": "c"})
        status = lambda: [r for r in self.client.request("GET", "/_sagebox/resources").json["resources"]
                          if r["type"] == "Endpoint"][0]["document"]["EndpointStatus"]
        self.assertEqual(status(), "Creating")
        time.sleep(1.2)
        self.assertEqual(status(), "InService")
        self.client.ok("DeleteEndpoint", {"EndpointName": "e"})
        self.assertEqual(status(), "Deleting")
        time.sleep(1.2)
        self.assertEqual([r["type"] for r in self.client.request("GET", "/_sagebox/resources").json["resources"]],
                         ["EndpointConfig", "Model"])


class StrictDashboardTest(StrictSageboxTestCase):
    credentials = "AKIDALICE alice-secret 111122223333\n"

    def test_the_page_is_open_and_the_resources_need_the_token(self):
        anyone = self.server.client(sign=False)
        self.addCleanup(anyone.close)
        self.assertEqual(anyone.request("GET", "/_sagebox/").status, 200)
        self.assertEqual(anyone.request("GET", "/_sagebox/ui/dashboard.js").status, 200)
        for headers in ({}, {"X-Sagebox-Admin-Token": "wrong"}):
            refused = anyone.request("GET", "/_sagebox/resources", headers=headers)
            self.assertEqual((refused.status, refused.json["__type"]), (403, "AccessDeniedException"))
        allowed = anyone.request("GET", "/_sagebox/resources", headers={"X-Sagebox-Admin-Token": "t0ken"})
        self.assertEqual((allowed.status, allowed.json), (200, {"resources": []}))


if __name__ == "__main__":
    unittest.main()
