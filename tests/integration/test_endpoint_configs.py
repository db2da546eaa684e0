"""The real binary over HTTP: protocol, endpoint configurations and models, errors, listing."""
import copy
import json
import math
import re
import time
import unittest

from sagebox_harness import (SageboxTestCase, endpoint_config_arn, full_endpoint_config_input, full_model_input,
                             inference_component_endpoint_config_input, model_arn, model_input,
                             serverless_endpoint_config_input)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


# ProductionVariant's members in the AWS model's order: how SageMaker serializes a variant.
VARIANT_ORDER = ["VariantName", "ModelName", "InitialInstanceCount", "InstanceType", "InstancePools",
                 "VariantInstanceProvisionTimeoutInSeconds", "InitialVariantWeight", "AcceleratorType",
                 "CoreDumpConfig", "ServerlessConfig", "VolumeSizeInGB", "ModelDataDownloadTimeoutInSeconds",
                 "ContainerStartupHealthCheckTimeoutInSeconds", "EnableSSMAccess", "ManagedInstanceScaling",
                 "RoutingConfig", "InferenceAmiVersion", "CapacityReservationConfig"]


def expected_describe(create_input, arn, creation_time):
    """What Describe must return for `create_input`: the input without Tags, plus the ARN and CreationTime, and
    InitialVariantWeight 1.0 on variants that name a model and gave none."""
    doc = copy.deepcopy(create_input)
    doc.pop("Tags", None)
    for key in ("ProductionVariants", "ShadowProductionVariants"):
        for variant in doc.get(key, []):
            if "ModelName" in variant and "InitialVariantWeight" not in variant:
                variant["InitialVariantWeight"] = 1.0
        doc[key] = [{k: v[k] for k in VARIANT_ORDER if k in v} for v in doc.get(key, [])] if key in doc else None
        if doc[key] is None:
            del doc[key]
    order = ["EndpointConfigName", "EndpointConfigArn", "ProductionVariants", "DataCaptureConfig", "KmsKeyId",
             "CreationTime", "AsyncInferenceConfig", "ExplainerConfig", "ShadowProductionVariants",
             "ExecutionRoleArn", "VpcConfig", "EnableNetworkIsolation", "MetricsConfig"]
    doc["EndpointConfigArn"] = arn
    doc["CreationTime"] = creation_time
    return {key: doc[key] for key in order if key in doc}


class ProtocolTest(SageboxTestCase):
    def test_success_headers(self):
        response = self.client.call("ListEndpointConfigs", {})
        self.assertEqual(response.status, 200)
        self.assertEqual(response.headers["content-type"], "application/x-amz-json-1.1")
        self.assertRegex(response.headers["x-amzn-requestid"], UUID)
        self.assertEqual(response.json, {"EndpointConfigs": []})

    def test_request_ids_differ(self):
        a = self.client.call("ListModels", {}).headers["x-amzn-requestid"]
        b = self.client.call("ListModels", {}).headers["x-amzn-requestid"]
        self.assertNotEqual(a, b)

    def test_error_headers_and_body_keys(self):
        response = self.client.call("DescribeEndpointConfig", {"EndpointConfigName": "nope"})
        self.assertEqual(response.status, 400)
        self.assertEqual(response.headers["content-type"], "application/x-amz-json-1.1")
        self.assertRegex(response.headers["x-amzn-requestid"], UUID)
        self.assertEqual(list(response.json.keys()), ["__type", "message"])
        self.assertNotIn("x-amzn-errortype", response.headers)

    def test_invalid_json(self):
        response = self.client.call("ListModels", raw_body="{not json")
        self.assertError(response, 400, "SerializationException")

    def test_body_not_an_object(self):
        self.assertError(self.client.call("ListModels", raw_body="[1, 2]"), 400, "SerializationException")

    def test_wrong_member_type(self):
        response = self.client.call("ListModels", {"MaxResults": "ten"})
        self.assertError(response, 400, "SerializationException")
        response = self.client.call("CreateEndpointConfig",
                                    {"EndpointConfigName": "a", "ProductionVariants": {"VariantName": "v"}})
        self.assertError(response, 400, "SerializationException")

    def test_unknown_and_missing_target(self):
        self.assertError(self.client.call("Nope", {}), 400, "UnknownOperationException")
        self.assertError(self.client.call("X", {}, target="Other.ListModels"), 400, "UnknownOperationException")
        self.assertError(self.client.call("X", {}, target=False), 400, "UnknownOperationException")

    def test_invalid_json_is_reported_before_unknown_target(self):
        self.assertError(self.client.call("Nope", raw_body="{"), 400, "SerializationException")

    def test_malformed_authorization(self):
        # botocore replaces Authorization when signing; send this one unsigned.
        client = self.server.client(sign=False)
        response = client.call("ListModels", {}, extra_headers={"Authorization": "Basic abc"})
        client.close()
        self.assertError(response, 400, "IncompleteSignatureException")

    def test_unsigned_requests_use_the_defaults(self):
        client = self.server.client(sign=False)
        client.ok("CreateModel", model_input("m"))
        self.assertEqual(client.ok("DescribeModel", {"ModelName": "m"})["ModelArn"], model_arn("m"))
        client.close()

    def test_health(self):
        response = self.client.request("GET", "/_sagebox/health")
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json["status"], "ok")
        self.assertIn("version", response.json)

    def test_reset_and_moto_alias(self):
        self.client.ok("CreateModel", model_input("m"))
        self.assertEqual(self.client.request("POST", "/moto-api/reset").status, 200)
        self.assertEqual(self.client.ok("ListModels", {})["Models"], [])
        self.client.ok("CreateModel", model_input("m"))
        self.assertEqual(self.client.request("POST", "/_sagebox/reset").status, 200)
        self.assertEqual(self.client.ok("ListModels", {})["Models"], [])

    def test_body_over_the_limit(self):
        big = '{"ModelName": "' + "a" * (1024 * 1024 + 10) + '"}'
        response = self.client.call("CreateModel", raw_body=big)
        self.assertEqual(response.status, 413)
        self.assertIn("__type", response.json)
        self.client.close()
        self.assertEqual(self.client.call("ListModels", {}).status, 200)

    def test_base_path_is_accepted(self):
        response = self.client.request("POST", "/some/base", b"{}", {
            "X-Amz-Target": "SageMaker.ListModels", "Content-Type": "application/x-amz-json-1.1"})
        self.assertEqual(response.status, 200)


class EndpointConfigTest(SageboxTestCase):
    def create_model(self, name="m"):
        return self.client.ok("CreateModel", model_input(name))["ModelArn"]

    def assert_round_trip(self, create_input):
        before = time.time()
        arn = self.client.ok("CreateEndpointConfig", create_input)["EndpointConfigArn"]
        after = time.time()
        name = create_input["EndpointConfigName"]
        self.assertEqual(arn, endpoint_config_arn(name))
        response = self.client.call("DescribeEndpointConfig", {"EndpointConfigName": name})
        self.assertEqual(response.status, 200)
        described = response.json
        created = described["CreationTime"]
        # In whole milliseconds, as the server keeps it: float seconds compared directly can miss by 1e-7.
        self.assertGreaterEqual(round(created * 1000), math.floor(before * 1000))
        self.assertLessEqual(round(created * 1000), math.ceil(after * 1000))
        self.assertEqual(round(created, 3), created)
        expected = expected_describe(create_input, arn, created)
        self.assertEqual(described, expected)
        # Same member order, at every level.
        self.assertEqual(response.raw, json.dumps(expected, separators=(",", ":"),
                                                                 ensure_ascii=False))
        return described

    def test_seed_example(self):
        self.create_model("m")
        self.assert_round_trip({
            "EndpointConfigName": "my-endpoint-config",
            "ProductionVariants": [{"VariantName": "variant-1", "ModelName": "m", "InitialInstanceCount": 1,
                                    "InstanceType": "ml.t2.medium"}],
            "Tags": [{"Key": "Name", "Value": "foo"}],
        })

    def test_every_member_round_trips(self):
        self.create_model("model-a")
        described = self.assert_round_trip(full_endpoint_config_input("Full-Config", "model-a"))
        self.assertEqual(described["EndpointConfigName"], "Full-Config")
        self.assertEqual(described["AsyncInferenceConfig"]["OutputConfig"]["NotificationConfig"], {})
        self.assertEqual(described["ProductionVariants"][0]["InitialVariantWeight"], 0.5)
        self.assertEqual(described["ShadowProductionVariants"][0]["InitialVariantWeight"], 1.0)

    def test_serverless_and_inference_component_variants(self):
        self.create_model("m")
        self.assert_round_trip(serverless_endpoint_config_input("serverless", "m"))
        described = self.assert_round_trip(inference_component_endpoint_config_input("ic"))
        self.assertNotIn("InitialVariantWeight", described["ProductionVariants"][0])

    def test_weights_as_integers_and_floats(self):
        self.create_model("m")
        for weight, name in ((1, "w1"), (1.0, "w2"), (0.5, "w3")):
            self.client.ok("CreateEndpointConfig", {"EndpointConfigName": name, "ProductionVariants": [{
                "VariantName": "v", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.t2.medium",
                "InitialVariantWeight": weight}]})
            response = self.client.call("DescribeEndpointConfig", {"EndpointConfigName": name})
            self.assertEqual(response.json["ProductionVariants"][0]["InitialVariantWeight"], float(weight))
            self.assertIn('"InitialVariantWeight":%s' % float(weight), response.raw)

    def test_unknown_members_are_ignored_and_not_echoed(self):
        self.create_model("m")
        self.client.ok("CreateEndpointConfig", {"EndpointConfigName": "c", "Bogus": 1, "ProductionVariants": [{
            "VariantName": "v", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.t2.medium",
            "Extra": {"x": 1}}]})
        described = self.client.ok("DescribeEndpointConfig", {"EndpointConfigName": "c"})
        self.assertNotIn("Bogus", described)
        self.assertNotIn("Extra", described["ProductionVariants"][0])

    def test_already_exists_case_insensitively(self):
        self.create_model("m")
        config = serverless_endpoint_config_input("My-Config", "m")
        self.client.ok("CreateEndpointConfig", config)
        config["EndpointConfigName"] = "my-config"
        self.assertError(self.client.call("CreateEndpointConfig", config), 400, "ValidationException",
                         'Cannot create already existing endpoint configuration "%s".'
                         % endpoint_config_arn("my-config"))
        # The name keeps its case; any casing finds it.
        described = self.client.ok("DescribeEndpointConfig", {"EndpointConfigName": "MY-CONFIG"})
        self.assertEqual(described["EndpointConfigName"], "My-Config")
        self.assertEqual(described["EndpointConfigArn"], endpoint_config_arn("my-config"))

    def test_not_found(self):
        for operation in ("DescribeEndpointConfig", "DeleteEndpointConfig"):
            self.assertError(self.client.call(operation, {"EndpointConfigName": "Missing"}), 400,
                             "ValidationException",
                             'Could not find endpoint configuration "%s".' % endpoint_config_arn("missing"))

    def test_missing_model(self):
        response = self.client.call("CreateEndpointConfig", serverless_endpoint_config_input("c", "Ghost"))
        self.assertError(response, 400, "ValidationException", 'Could not find model "%s".' % model_arn("ghost"))
        self.assertError(self.client.call("DescribeEndpointConfig", {"EndpointConfigName": "c"}), 400,
                         "ValidationException")

    def test_shadow_variant_model_is_checked(self):
        self.create_model("m")
        config = full_endpoint_config_input("c", "m")
        config["ShadowProductionVariants"][0]["ModelName"] = "ghost"
        self.assertError(self.client.call("CreateEndpointConfig", config), 400, "ValidationException",
                         'Could not find model "%s".' % model_arn("ghost"))

    def test_validation_comes_before_lookup(self):
        response = self.client.call("DescribeEndpointConfig", {"EndpointConfigName": "my_config"})
        self.assertError(response, 400, "ValidationException",
                         "1 validation error detected: Value 'my_config' at 'endpointConfigName' failed to satisfy "
                         "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")

    def test_required_members(self):
        response = self.client.call("CreateEndpointConfig", {"EndpointConfigName": "c"})
        self.assertError(response, 400, "ValidationException",
                         "1 validation error detected: Value null at 'productionVariants' failed to satisfy "
                         "constraint: Member must not be null")

    def test_delete_then_reuse(self):
        self.create_model("m")
        config = serverless_endpoint_config_input("c", "m")
        config["Tags"] = [{"Key": "k", "Value": "v"}]
        first = self.client.ok("CreateEndpointConfig", config)
        self.assertEqual(self.client.ok("DeleteEndpointConfig", {"EndpointConfigName": "C"}), {})
        self.assertError(self.client.call("DescribeEndpointConfig", {"EndpointConfigName": "c"}), 400,
                         "ValidationException")
        self.assertEqual(self.client.ok("CreateEndpointConfig", config), first)

    def test_deleting_a_referenced_model_is_allowed(self):
        self.create_model("m")
        self.client.ok("CreateEndpointConfig", serverless_endpoint_config_input("c", "m"))
        self.assertEqual(self.client.ok("DeleteModel", {"ModelName": "m"}), {})
        self.client.ok("DescribeEndpointConfig", {"EndpointConfigName": "c"})

    def test_regions_and_accounts_are_separate(self):
        self.create_model("m")
        self.client.ok("CreateEndpointConfig", serverless_endpoint_config_input("c", "m"))
        other_region = self.server.client(region="eu-west-1")
        self.assertError(other_region.call("DescribeEndpointConfig", {"EndpointConfigName": "c"}), 400,
                         "ValidationException",
                         'Could not find endpoint configuration "%s".' % endpoint_config_arn("c", "eu-west-1"))
        other_account = self.server.client(access_key="111122223333")
        other_account.ok("CreateModel", model_input("m"))
        arn = other_account.ok("CreateEndpointConfig",
                               serverless_endpoint_config_input("c", "m"))["EndpointConfigArn"]
        self.assertEqual(arn, endpoint_config_arn("c", account="111122223333"))
        other_region.close()
        other_account.close()


class ModelTest(SageboxTestCase):
    def test_round_trip(self):
        model = model_input("My-Model")
        model["Tags"] = [{"Key": "a", "Value": "b"}]
        model["EnableNetworkIsolation"] = False
        arn = self.client.ok("CreateModel", model)["ModelArn"]
        self.assertEqual(arn, model_arn("my-model"))
        described = self.client.ok("DescribeModel", {"ModelName": "my-model"})
        created = described.pop("CreationTime")
        self.assertIsInstance(created, float)
        self.assertEqual(described, {"ModelName": "My-Model", "PrimaryContainer": model["PrimaryContainer"],
                                     "ExecutionRoleArn": model["ExecutionRoleArn"], "ModelArn": arn,
                                     "EnableNetworkIsolation": False})

    def test_every_member_round_trips_in_model_order(self):
        model = full_model_input("Full-Model")
        arn = self.client.ok("CreateModel", model)["ModelArn"]
        response = self.client.call("DescribeModel", {"ModelName": "full-model"})
        described = response.json
        expected = {k: v for k, v in model.items() if k != "Tags"}
        order = ["ModelName", "PrimaryContainer", "Containers", "InferenceExecutionConfig", "ExecutionRoleArn",
                 "VpcConfig", "CreationTime", "ModelArn", "EnableNetworkIsolation"]
        expected["CreationTime"] = described["CreationTime"]
        expected["ModelArn"] = arn
        expected = {k: expected[k] for k in order}
        # Byte for byte: member order at every level, map entries as sent.
        self.assertEqual(response.raw, json.dumps(expected, separators=(",", ":"), ensure_ascii=False))

    def test_errors(self):
        self.client.ok("CreateModel", model_input("m"))
        self.assertError(self.client.call("CreateModel", model_input("M")), 400, "ValidationException",
                         'Cannot create already existing model "%s".' % model_arn("m"))
        self.assertError(self.client.call("DescribeModel", {"ModelName": "x"}), 400, "ValidationException",
                         'Could not find model "%s".' % model_arn("x"))
        self.assertError(self.client.call("DeleteModel", {"ModelName": "x"}), 400, "ValidationException",
                         'Could not find model "%s".' % model_arn("x"))


class ListingTest(SageboxTestCase):
    def setUp(self):
        super().setUp()
        self.client.ok("CreateModel", model_input("m"))

    def create(self, *names):
        for name in names:
            self.client.ok("CreateEndpointConfig", serverless_endpoint_config_input(name, "m"))
            time.sleep(0.003)  # distinct creation milliseconds

    def names(self, page):
        return [item["EndpointConfigName"] for item in page["EndpointConfigs"]]

    def follow(self, params):
        names, pages = [], 0
        params = dict(params)
        while True:
            page = self.client.ok("ListEndpointConfigs", params)
            names += self.names(page)
            pages += 1
            if "NextToken" not in page:
                return names, pages
            params["NextToken"] = page["NextToken"]

    def test_default_order_is_newest_first_and_summary_shape(self):
        self.create("a", "b", "c")
        page = self.client.ok("ListEndpointConfigs", {})
        self.assertEqual(self.names(page), ["c", "b", "a"])
        self.assertNotIn("NextToken", page)
        item = page["EndpointConfigs"][0]
        self.assertEqual(list(item.keys()), ["EndpointConfigName", "EndpointConfigArn", "CreationTime"])
        self.assertEqual(item["EndpointConfigArn"], endpoint_config_arn("c"))

    def test_sort_by_name_both_ways(self):
        self.create("b", "C", "a")
        self.assertEqual(self.names(self.client.ok("ListEndpointConfigs", {"SortBy": "Name",
                                                                            "SortOrder": "Ascending"})),
                         ["a", "b", "C"])
        self.assertEqual(self.names(self.client.ok("ListEndpointConfigs", {"SortBy": "Name"})), ["C", "b", "a"])

    def test_pagination_visits_everything_once(self):
        names = ["cfg-%02d" % i for i in range(25)]
        self.create(*names)
        for sort in ({"SortBy": "Name", "SortOrder": "Ascending"}, {"SortBy": "CreationTime"}, {}):
            seen, pages = self.follow(dict(sort, MaxResults=7))
            self.assertEqual(sorted(seen), names)
            self.assertEqual(pages, 4)
        seen, pages = self.follow({})
        self.assertEqual(pages, 3)  # MaxResults defaults to 10

    def test_name_contains_applies_after_max_results(self):
        self.create("alpha-1", "beta-1", "beta-2", "alpha-2", "beta-3")
        # Newest first: beta-3, alpha-2, beta-2 | beta-1, alpha-1
        page = self.client.ok("ListEndpointConfigs", {"MaxResults": 3, "NameContains": "ALPHA"})
        self.assertEqual(self.names(page), ["alpha-2"])
        self.assertIn("NextToken", page)
        page = self.client.ok("ListEndpointConfigs", {"MaxResults": 1, "NameContains": "alpha"})
        self.assertEqual(self.names(page), [])
        self.assertIn("NextToken", page)
        seen, _ = self.follow({"MaxResults": 2, "NameContains": "alpha"})
        self.assertEqual(seen, ["alpha-2", "alpha-1"])

    def test_creation_time_bounds(self):
        self.create("a", "b", "c")
        items = self.client.ok("ListEndpointConfigs", {"SortOrder": "Ascending"})["EndpointConfigs"]
        b_time = items[1]["CreationTime"]
        after = self.client.ok("ListEndpointConfigs", {"CreationTimeAfter": b_time, "SortOrder": "Ascending"})
        self.assertEqual(self.names(after), ["b", "c"])  # inclusive
        before = self.client.ok("ListEndpointConfigs", {"CreationTimeBefore": b_time, "SortOrder": "Ascending"})
        self.assertEqual(self.names(before), ["a"])  # exclusive

    def test_tokens_are_tamper_evident_and_bound(self):
        self.create("a", "b", "c")
        token = self.client.ok("ListEndpointConfigs", {"MaxResults": 1})["NextToken"]
        for bad in ("garbage", token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" + token):
            self.assertError(self.client.call("ListEndpointConfigs", {"NextToken": bad}), 400,
                             "ValidationException", "Invalid pagination token")
        # A token of another listing, sort, account or region is foreign.
        self.assertError(self.client.call("ListModels", {"NextToken": token}), 400, "ValidationException",
                         "Invalid pagination token")
        self.assertError(self.client.call("ListEndpointConfigs", {"NextToken": token, "SortBy": "Name"}), 400,
                         "ValidationException", "Invalid pagination token")
        other = self.server.client(region="eu-west-1")
        self.assertError(other.call("ListEndpointConfigs", {"NextToken": token}), 400, "ValidationException",
                         "Invalid pagination token")
        other.close()

    def test_max_results_is_validated(self):
        self.assertError(self.client.call("ListEndpointConfigs", {"MaxResults": 0}), 400, "ValidationException",
                         "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: "
                         "Member must have value greater than or equal to 1")

    def test_list_models(self):
        self.client.ok("CreateModel", model_input("n"))
        page = self.client.ok("ListModels", {"SortBy": "Name", "SortOrder": "Ascending", "MaxResults": 1})
        self.assertEqual([m["ModelName"] for m in page["Models"]], ["m"])
        self.assertEqual(list(page["Models"][0].keys()), ["ModelName", "ModelArn", "CreationTime"])
        page = self.client.ok("ListModels", {"SortBy": "Name", "SortOrder": "Ascending", "MaxResults": 1,
                                             "NextToken": page["NextToken"]})
        self.assertEqual([m["ModelName"] for m in page["Models"]], ["n"])
        self.assertNotIn("NextToken", page)


class CrossFieldRulesTest(SageboxTestCase):
    """Each rule of CreateEndpointConfig beyond the model's constraints: accepted and rejected."""

    def setUp(self):
        super().setUp()
        self.client.ok("CreateModel", model_input("m"))

    def instance_variant(self, name="v", **extra):
        return dict({"VariantName": name, "ModelName": "m", "InitialInstanceCount": 1,
                     "InstanceType": "ml.t2.medium"}, **extra)

    def serverless_variant(self, name="s", memory=2048, max_concurrency=10, provisioned=None):
        config = {"MemorySizeInMB": memory, "MaxConcurrency": max_concurrency}
        if provisioned is not None:
            config["ProvisionedConcurrency"] = provisioned
        return {"VariantName": name, "ModelName": "m", "ServerlessConfig": config}

    def create(self, variants, **extra):
        return self.client.call("CreateEndpointConfig",
                                dict({"EndpointConfigName": "c", "ProductionVariants": variants}, **extra))

    def assertRejected(self, response, message):
        self.assertError(response, 400, "ValidationException", message)
        self.assertError(self.client.call("DescribeEndpointConfig", {"EndpointConfigName": "c"}), 400,
                         "ValidationException")

    def test_variant_names_unique_across_production_and_shadow(self):
        self.assertEqual(self.create([self.instance_variant("a"), self.instance_variant("b")]).status, 200)
        self.client.ok("DeleteEndpointConfig", {"EndpointConfigName": "c"})
        self.assertRejected(self.create([self.instance_variant("a"), self.instance_variant("A")]),
                            'Variant names must be unique within an endpoint configuration: "A" is used more '
                            'than once.')
        self.assertRejected(self.create([self.instance_variant("a")],
                                        ShadowProductionVariants=[self.instance_variant("a")]),
                            'Variant names must be unique within an endpoint configuration: "a" is used more '
                            'than once.')

    def test_shadow_needs_exactly_one_and_one(self):
        self.assertEqual(self.create([self.instance_variant("a")],
                                     ShadowProductionVariants=[self.instance_variant("b")]).status, 200)
        message = ("An endpoint configuration with ShadowProductionVariants must have exactly one production variant "
                   "and exactly one shadow variant.")
        self.client.ok("DeleteEndpointConfig", {"EndpointConfigName": "c"})
        self.assertRejected(self.create([self.instance_variant("a"), self.instance_variant("b")],
                                        ShadowProductionVariants=[self.instance_variant("s")]), message)
        self.assertRejected(self.create([self.instance_variant("a")],
                                        ShadowProductionVariants=[self.instance_variant("s1"),
                                                                  self.instance_variant("s2")]), message)

    def test_instance_based_or_serverless(self):
        both = self.instance_variant("v", ServerlessConfig={"MemorySizeInMB": 1024, "MaxConcurrency": 1})
        self.assertRejected(self.create([both]),
                            'Variant "v" cannot be both instance-based (InstanceType, InitialInstanceCount) and '
                            'serverless (ServerlessConfig).')
        neither = {"VariantName": "v", "ModelName": "m"}
        half = {"VariantName": "v", "ModelName": "m", "InstanceType": "ml.t2.medium"}
        for variant in (neither, half):
            self.assertRejected(self.create([variant]),
                                'Variant "v" must specify either both InstanceType and InitialInstanceCount, or '
                                'ServerlessConfig.')
        self.assertEqual(self.create([self.serverless_variant()]).status, 200)

    def test_variant_without_model_needs_execution_role(self):
        variant = {"VariantName": "ic", "InstanceType": "ml.g5.xlarge", "InitialInstanceCount": 1}
        self.assertRejected(self.create([variant]),
                            'Variant "ic" names no model (an inference component endpoint), so the endpoint '
                            'configuration needs an ExecutionRoleArn.')
        self.assertEqual(self.create([variant],
                                     ExecutionRoleArn="arn:aws:iam::123456789012:role/r").status, 200)

    def test_serverless_limits(self):
        self.assertRejected(self.create([self.serverless_variant(memory=1536)]),
                            'MemorySizeInMB of variant "s" must be a multiple of 1024, not 1536.')
        self.assertRejected(self.create([self.serverless_variant(max_concurrency=5, provisioned=6)]),
                            'ProvisionedConcurrency of variant "s" must be less than or equal to its '
                            'MaxConcurrency.')
        self.assertEqual(self.create([self.serverless_variant(max_concurrency=5, provisioned=5)]).status, 200)

    def test_managed_instance_scaling_only_for_inference_components(self):
        scaling = {"Status": "ENABLED", "MinInstanceCount": 0, "MaxInstanceCount": 2}
        self.assertRejected(self.create([self.instance_variant(ManagedInstanceScaling=scaling)]),
                            "ManagedInstanceScaling is only supported for inference component endpoints.")

    def test_capture_modes_unique(self):
        capture = {"InitialSamplingPercentage": 10, "DestinationS3Uri": "s3://b/p",
                   "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Input"}]}
        self.assertRejected(self.create([self.instance_variant()], DataCaptureConfig=capture),
                            'CaptureOptions must not repeat a CaptureMode: "Input" is given more than once.')
        capture["CaptureOptions"] = [{"CaptureMode": "InputAndOutput"}]
        self.assertEqual(self.create([self.instance_variant()], DataCaptureConfig=capture).status, 200)

    def test_rules_come_before_the_model_lookup(self):
        ghost = self.instance_variant("v")
        ghost["ModelName"] = "ghost"
        self.assertRejected(self.create([ghost, dict(ghost)]),
                            'Variant names must be unique within an endpoint configuration: "v" is used more '
                            'than once.')


if __name__ == "__main__":
    unittest.main()
