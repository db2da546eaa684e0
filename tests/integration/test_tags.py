"""AddTags, ListTags, DeleteTags on models and endpoint configurations."""
import unittest

from sagebox_harness import (SageboxTestCase, endpoint_config_arn, model_arn, model_input,
                             serverless_endpoint_config_input)


class TagsTest(SageboxTestCase):
    def setUp(self):
        super().setUp()
        model = model_input("m")
        model["Tags"] = [{"Key": "created", "Value": "yes"}]
        self.model_arn = self.client.ok("CreateModel", model)["ModelArn"]
        config = serverless_endpoint_config_input("Cfg", "m")
        config["Tags"] = [{"Key": "Name", "Value": "foo"}]
        self.config_arn = self.client.ok("CreateEndpointConfig", config)["EndpointConfigArn"]

    def tags(self, arn, **params):
        return self.client.ok("ListTags", dict(params, ResourceArn=arn))["Tags"]

    def test_tags_of_create_are_listed_at_once(self):
        self.assertEqual(self.tags(self.model_arn), [{"Key": "created", "Value": "yes"}])
        self.assertEqual(self.tags(self.config_arn), [{"Key": "Name", "Value": "foo"}])

    def test_add_overwrites_and_delete_removes(self):
        out = self.client.ok("AddTags", {"ResourceArn": self.config_arn,
                                         "Tags": [{"Key": "Name", "Value": "bar"}, {"Key": "team", "Value": "ml"}]})
        self.assertEqual(out, {"Tags": [{"Key": "Name", "Value": "bar"}, {"Key": "team", "Value": "ml"}]})
        self.assertEqual(self.tags(self.config_arn), [{"Key": "Name", "Value": "bar"}, {"Key": "team", "Value": "ml"}])
        self.assertEqual(self.client.ok("DeleteTags", {"ResourceArn": self.config_arn,
                                                       "TagKeys": ["Name", "unknown"]}), {})
        self.assertEqual(self.tags(self.config_arn), [{"Key": "team", "Value": "ml"}])

    def test_arn_is_matched_case_insensitively(self):
        # The model's pattern wants a lowercase region; the resource part may have any case.
        self.assertEqual(self.tags(self.config_arn.replace("endpoint-config/cfg", "ENDPOINT-CONFIG/Cfg")),
                         [{"Key": "Name", "Value": "foo"}])

    def test_unknown_resource(self):
        for arn in (endpoint_config_arn("nope"), model_arn("m", region="eu-west-1"),
                    model_arn("m", account="111122223333"),
                    "arn:aws:sagemaker:us-east-1:123456789012:endpoint/m"):
            for operation, params in (("ListTags", {}), ("AddTags", {"Tags": [{"Key": "a", "Value": "b"}]}),
                                      ("DeleteTags", {"TagKeys": ["a"]})):
                self.assertError(self.client.call(operation, dict(params, ResourceArn=arn)), 400,
                                 "ValidationException", "Resource does not exist")

    def test_limit_of_fifty(self):
        tags = [{"Key": "k%02d" % i, "Value": "v"} for i in range(49)]
        self.client.ok("AddTags", {"ResourceArn": self.config_arn, "Tags": tags})
        response = self.client.call("AddTags", {"ResourceArn": self.config_arn,
                                                "Tags": [{"Key": "x", "Value": "1"}, {"Key": "y", "Value": "2"}]})
        self.assertEqual(response.status, 400)
        code, message = response.error()
        self.assertEqual(code, "ResourceLimitExceeded")
        self.assertIn("50", message)
        self.assertIn("Message", response.json)
        self.assertEqual(len(self.tags(self.config_arn, MaxResults=100)), 49 + 1)
        # Overwriting existing keys at the limit is fine.
        self.client.ok("AddTags", {"ResourceArn": self.config_arn, "Tags": [{"Key": "k00", "Value": "new"}]})

    def test_reserved_keys(self):
        for operation, params in (("AddTags", {"ResourceArn": self.config_arn}),
                                  ("CreateModel", model_input("other"))):
            response = self.client.call(operation, dict(params, Tags=[{"Key": "aws:owner", "Value": "x"}]))
            self.assertError(response, 400, "ValidationException")
        self.assertError(self.client.call("DescribeModel", {"ModelName": "other"}), 400, "ValidationException")

    def test_pagination(self):
        self.client.ok("AddTags", {"ResourceArn": self.model_arn,
                                   "Tags": [{"Key": "k%02d" % i, "Value": str(i)} for i in range(49)]})
        first = self.client.ok("ListTags", {"ResourceArn": self.model_arn, "MaxResults": 50})
        self.assertEqual(len(first["Tags"]), 50)
        self.assertNotIn("NextToken", first)
        self.client.ok("DeleteTags", {"ResourceArn": self.model_arn, "TagKeys": ["k00"]})
        self.client.ok("AddTags", {"ResourceArn": self.model_arn, "Tags": [{"Key": "z", "Value": "1"}]})
        default_page = self.client.ok("ListTags", {"ResourceArn": self.model_arn})
        self.assertEqual(len(default_page["Tags"]), 50)
        self.assertEqual(default_page["Tags"][-1], {"Key": "z", "Value": "1"})
        self.assertError(self.client.call("ListTags", {"ResourceArn": self.model_arn, "MaxResults": 10}), 400,
                         "ValidationException")

    def test_deleting_the_resource_deletes_its_tags(self):
        self.client.ok("DeleteEndpointConfig", {"EndpointConfigName": "cfg"})
        self.client.ok("CreateEndpointConfig", serverless_endpoint_config_input("cfg", "m"))
        self.assertEqual(self.tags(self.config_arn), [])


if __name__ == "__main__":
    unittest.main()
