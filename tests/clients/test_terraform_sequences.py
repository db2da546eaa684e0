"""Replays, over HTTP, the calls the Terraform AWS provider makes for each `aws_sagemaker_endpoint_configuration`
acceptance scenario (bodies in terraform_scenarios.py), and checks that sagebox answers so that the provider
would see an empty plan and a clean destroy.

Per scenario, as `terraform apply` / `plan` / `destroy` issue them:
  aws_sagemaker_model create:      CreateModel -> DescribeModel -> ListTags(ModelArn from Describe)
  endpoint configuration create:   CreateEndpointConfig -> DescribeEndpointConfig -> ListTags(EndpointConfigArn)
  refresh (plan, import):          DescribeModel -> ListTags, DescribeEndpointConfig -> ListTags: same documents
  tags update (tags scenario):     refresh, DeleteTags(removed keys), AddTags(new and changed), Describe, ListTags
  destroy:                         DeleteEndpointConfig, DeleteModel; then CheckDestroy's DescribeEndpointConfig
                                   must fail with ValidationException `Could not find endpoint configuration "<arn>".`

Run: cd tests/clients && SAGEBOX_BINARY=../../build/test/sagebox python3 -m unittest -v test_terraform_sequences
"""
import copy
import json
import os
import re
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, HERE)

from sagebox_harness import SageboxTestCase, endpoint_config_arn, model_arn  # noqa: E402
from terraform_scenarios import SCENARIOS  # noqa: E402

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
GENERATED = re.compile(r"^terraform-\d{18}[0-9a-f]{8}$")
GENERATED_WITH_PREFIX = re.compile(r"^tf-acc-test-prefix-\d{18}[0-9a-f]{8}$")
VARIANT_LISTS = ("ProductionVariants", "ShadowProductionVariants")


def canonical(document):
    """JSON text that tells 1 from 1.0 and false from 0, with keys sorted: for type-exact comparisons."""
    return json.dumps(document, sort_keys=True, indent=1)


def expected_endpoint_config(body, arn):
    """DescribeEndpointConfig without CreationTime: the body without Tags, plus the ARN; weights are floats, and a
    variant that names a model and sent no weight gets 1.0."""
    doc = copy.deepcopy(body)
    doc.pop("Tags", None)
    for key in VARIANT_LISTS:
        for variant in doc.get(key, []):
            if "InitialVariantWeight" in variant:
                variant["InitialVariantWeight"] = float(variant["InitialVariantWeight"])
            elif "ModelName" in variant:
                variant["InitialVariantWeight"] = 1.0
    doc["EndpointConfigArn"] = arn
    return doc


def expected_model(body, arn):
    doc = copy.deepcopy(body)
    doc.pop("Tags", None)
    doc["ModelArn"] = arn
    return doc


def tag_list(tags):
    return [{"Key": key, "Value": value} for key, value in tags.items()]


class TerraformSequenceTest(SageboxTestCase):
    """One test per scenario (test_<scenario name>), added below from SCENARIOS."""

    maxDiff = None

    def setUp(self):
        super().setUp()
        self.transcript = []

    # --- the wire -------------------------------------------------------------------------------------------

    def send(self, operation, params):
        response = self.client.call(operation, params)
        self.transcript.append("%s %s -> %d %s" % (operation, json.dumps(params), response.status, response.raw))
        self.assertEqual(response.headers.get("content-type"), "application/x-amz-json-1.1", self.where())
        self.assertRegex(response.headers.get("x-amzn-requestid", ""), UUID, self.where())
        return response

    def ok(self, operation, params):
        response = self.send(operation, params)
        self.assertEqual(response.status, 200, self.where())
        self.assertIsInstance(response.json, dict, self.where())
        return response.json

    def where(self):
        """The calls made so far in this scenario, for failure messages."""
        return "\nscenario %s, calls so far:\n  %s" % (getattr(self, "scenario_name", "?"),
                                                       "\n  ".join(self.transcript))

    def assertDocument(self, actual, expected, what):
        self.assertEqual(actual, expected, "%s differs from what was sent%s" % (what, self.where()))
        self.assertEqual(canonical(actual), canonical(expected),
                         "%s: same values but other JSON types%s" % (what, self.where()))

    def assertCreationTime(self, value):
        self.assertTrue(isinstance(value, (int, float)) and not isinstance(value, bool),
                        "CreationTime %r is not a number%s" % (value, self.where()))
        self.assertLess(abs(value - time.time()), 600, "CreationTime %r is not now%s" % (value, self.where()))

    # --- what the provider's Read does ---------------------------------------------------------------------

    def list_tags(self, arn, expected_tags):
        """The tags interceptor after every Read: ListTags with the ARN Describe returned."""
        output = self.ok("ListTags", {"ResourceArn": arn})
        self.assertEqual(list(output), ["Tags"], "ListTags must answer only Tags (no NextToken)%s" % self.where())
        for tag in output["Tags"]:
            self.assertEqual(sorted(tag), ["Key", "Value"], self.where())
        keys = [tag["Key"] for tag in output["Tags"]]
        self.assertEqual(len(keys), len(set(keys)), "ListTags repeats a key%s" % self.where())
        self.assertEqual({tag["Key"]: tag["Value"] for tag in output["Tags"]}, expected_tags, self.where())

    def read_model(self, body):
        name = body["ModelName"]
        doc = self.ok("DescribeModel", {"ModelName": name})
        self.assertCreationTime(doc.get("CreationTime"))
        actual = {k: v for k, v in doc.items() if k != "CreationTime"}
        self.assertDocument(actual, expected_model(body, model_arn(name)), "DescribeModel")
        self.list_tags(doc["ModelArn"], {})
        return doc

    def read_endpoint_config(self, body, tags):
        name = body["EndpointConfigName"]
        doc = self.ok("DescribeEndpointConfig", {"EndpointConfigName": name})
        self.assertCreationTime(doc.get("CreationTime"))
        actual = {k: v for k, v in doc.items() if k != "CreationTime"}
        self.assertDocument(actual, expected_endpoint_config(body, endpoint_config_arn(name)),
                            "DescribeEndpointConfig")
        self.list_tags(doc["EndpointConfigArn"], tags)
        return doc

    def refresh(self, scenario, model_doc, config_doc, tags):
        """terraform plan / import: every resource is read again and must come back unchanged."""
        self.assertDocument(self.read_model(scenario["model"]), model_doc, "DescribeModel on refresh")
        self.assertDocument(self.read_endpoint_config(scenario["body"], tags), config_doc,
                            "DescribeEndpointConfig on refresh")

    # --- the scenario ----------------------------------------------------------------------------------------

    def replay(self, scenario):
        self.scenario_name = scenario["name"]
        model, body = scenario["model"], scenario["body"]
        name = body["EndpointConfigName"]
        arn = endpoint_config_arn(name)
        tags = {tag["Key"]: tag["Value"] for tag in body.get("Tags", [])}

        # apply: aws_sagemaker_model, then the endpoint configuration that depends on it.
        self.assertEqual(self.ok("CreateModel", model), {"ModelArn": model_arn(model["ModelName"])}, self.where())
        model_doc = self.read_model(model)
        self.assertEqual(self.ok("CreateEndpointConfig", body), {"EndpointConfigArn": arn}, self.where())
        config_doc = self.read_endpoint_config(body, tags)

        # the post-apply plan (and ImportStateVerify): the same documents, so an empty plan.
        self.refresh(scenario, model_doc, config_doc, tags)

        # tag updates: resourceEndpointConfigurationUpdate is "tags only" -> updateTags with the state's ARN.
        for new_tags in scenario["tag_steps"]:
            self.refresh(scenario, model_doc, config_doc, tags)
            state_arn = config_doc["EndpointConfigArn"]
            removed = [key for key in tags if key not in new_tags]            # oldTags.Removed(newTags)
            updated = {k: v for k, v in new_tags.items() if tags.get(k) != v}  # oldTags.Updated(newTags)
            if removed:
                self.assertEqual(self.ok("DeleteTags", {"ResourceArn": state_arn, "TagKeys": removed}), {},
                                 self.where())
            if updated:
                output = self.ok("AddTags", {"ResourceArn": state_arn, "Tags": tag_list(updated)})
                self.assertEqual(output, {"Tags": tag_list(updated)}, self.where())
            tags = dict(new_tags)
            self.assertDocument(self.read_endpoint_config(body, tags), config_doc, "DescribeEndpointConfig after tags")
            self.refresh(scenario, model_doc, config_doc, tags)

        # destroy: dependents first.
        self.assertEqual(self.ok("DeleteEndpointConfig", {"EndpointConfigName": name}), {}, self.where())
        self.assertEqual(self.ok("DeleteModel", {"ModelName": model["ModelName"]}), {}, self.where())

        # CheckDestroy: findEndpointConfigByName matches ValidationException + "Could not find endpoint configuration".
        gone = self.send("DescribeEndpointConfig", {"EndpointConfigName": name})
        self.assertEqual(gone.status, 400, self.where())
        self.assertEqual(gone.json, {"__type": "ValidationException",
                                     "message": 'Could not find endpoint configuration "%s".' % arn}, self.where())
        # findModelByName: any ValidationException means gone.
        gone = self.send("DescribeModel", {"ModelName": model["ModelName"]})
        self.assertEqual(gone.status, 400, self.where())
        self.assertEqual(gone.json, {"__type": "ValidationException",
                                     "message": 'Could not find model "%s".' % model_arn(model["ModelName"])},
                         self.where())
        # A second delete (the `disappears` test, or a destroy after an out-of-band delete) must be recognisable.
        again = self.send("DeleteEndpointConfig", {"EndpointConfigName": name})
        self.assertEqual(again.status, 400, self.where())
        self.assertEqual(again.json, {"__type": "ValidationException",
                                      "message": 'Could not find endpoint configuration "%s".' % arn}, self.where())


def _scenario_test(entry):
    def test(self):
        self.replay(copy.deepcopy(entry))
    test.__doc__ = None
    return test


for _entry in SCENARIOS:
    setattr(TerraformSequenceTest, "test_" + _entry["name"], _scenario_test(_entry))


class ScenarioDataTest(unittest.TestCase):
    """The bodies carry what the provider always sends (AWS-BEHAVIOR §4)."""

    def test_names(self):
        names = {entry["name"]: entry for entry in SCENARIOS}
        self.assertEqual(len(names), len(SCENARIOS))
        self.assertRegex(names["name_generated"]["body"]["EndpointConfigName"], GENERATED)
        self.assertEqual(len(names["name_generated"]["body"]["EndpointConfigName"]), len("terraform-") + 26)
        self.assertRegex(names["name_prefix"]["body"]["EndpointConfigName"], GENERATED_WITH_PREFIX)
        self.assertRegex(names["variant_name_generated"]["body"]["ProductionVariants"][0]["VariantName"], GENERATED)

    def test_always_sent_zero_values(self):
        for entry in SCENARIOS:
            with self.subTest(scenario=entry["name"]):
                for key in VARIANT_LISTS:
                    for variant in entry["body"].get(key, []):
                        if "ModelName" in variant:
                            self.assertIn("EnableSSMAccess", variant)
                            self.assertIn("InitialVariantWeight", variant)
                        else:
                            self.assertNotIn("EnableSSMAccess", variant)
                            self.assertNotIn("InitialVariantWeight", variant)
                            self.assertIn("ExecutionRoleArn", entry["body"])
                        if "ManagedInstanceScaling" in variant:
                            self.assertIn("MinInstanceCount", variant["ManagedInstanceScaling"])
                        if "CoreDumpConfig" in variant:
                            self.assertIn("KmsKeyId", variant["CoreDumpConfig"])
                if "DataCaptureConfig" in entry["body"]:
                    self.assertIn("EnableCapture", entry["body"]["DataCaptureConfig"])

    def test_weights_on_the_wire(self):
        texts = {entry["name"]: json.dumps(entry["body"]) for entry in SCENARIOS}
        self.assertIn('"InitialVariantWeight": 1,', texts["basic"])
        self.assertIn('"InitialVariantWeight": 0.5,', texts["initial_variant_weight"])
        self.assertIn('"InitialVariantWeight": 2,', texts["weights_one_and_two"])
        self.assertIn('"InitialVariantWeight": 1.0,', texts["weights_written_as_floats"])


if __name__ == "__main__":
    unittest.main()
