"""examples/runtime/walkthrough.sh, the README's SageMaker Runtime walkthrough, run as a reader runs it: its three
model processes, sagebox ($SAGEBOX_BINARY) seeded with examples/runtime/seed.json, the AWS CLI and boto3. Checks
what it prints and the capture files it leaves, so that the README's walkthrough stays true."""
import collections
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WALKTHROUGH = os.path.join(ROOT, "examples", "runtime", "walkthrough.sh")
CALLS = 100  # what the walkthrough's boto3 step makes


class WalkthroughTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.capture = tempfile.mkdtemp(prefix="sagebox-walkthrough-")
        environment = dict(os.environ, CAPTURE_DIR=cls.capture)
        for name in ("SUM_V1_URL", "SUM_V2_URL", "SUM_V3_SHADOW_URL"):
            environment.pop(name, None)  # the walkthrough starts its own models
        cls.result = subprocess.run(["bash", WALKTHROUGH], env=environment, capture_output=True, text=True, timeout=300)
        cls.output = cls.result.stdout

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.capture, ignore_errors=True)

    def setUp(self):
        self.assertEqual(self.result.returncode, 0,
                         "the walkthrough failed:\n%s\n%s" % (self.output, self.result.stderr))

    def records(self):
        """Capture records by variant folder: {"v1": [record, ...], ...}."""
        found = collections.defaultdict(list)
        pattern = os.path.join(self.capture, "my-bucket", "capture", "sums", "*", "*", "*", "*", "*", "*.jsonl")
        for path in sorted(glob.glob(pattern)):
            variant = os.path.relpath(path, self.capture).split(os.sep)[3]
            with open(path, encoding="utf-8") as lines:
                found[variant] += [json.loads(line) for line in lines]
        return found

    def test_the_models_and_sagebox_start_and_the_endpoint_serves(self):
        for model in ("sum-v1", "sum-v2", "sum-v3-shadow"):
            self.assertRegex(self.output, r"model %s listening on http://127\.0\.0\.1:\d+" % model)
        self.assertRegex(self.output, r"sagebox listening on http://127\.0\.0\.1:\d+")
        self.assertIn('"InService"', self.output)

    def test_the_configuration_has_two_weighted_variants(self):
        self.assertIn("v1\tsum-v1\t0.8\nv2\tsum-v2\t0.2\n", self.output)

    def test_the_cli_calls_answer_with_the_sums_and_the_variant(self):
        self.assertRegex(self.output, r'"InvokedProductionVariant": "v[12]"')
        self.assertIn('"InvokedProductionVariant": "v2"', self.output)  # the call with --target-variant v2
        self.assertIn('{"model_version": "sum-v2", "predictions": [6.0, 15.0]}', self.output)

    def test_boto3_sees_both_production_variants_about_80_20(self):
        shares = dict(re.findall(r"^  (v\d) answered (\d+) \(", self.output, re.MULTILINE))
        self.assertEqual(sorted(shares), ["v1", "v2"], self.output)
        self.assertEqual(sum(map(int, shares.values())), CALLS)
        # 100 draws at 0.8: the binomial's standard deviation is 4, so 65..95 fails by chance about once in 10^4.
        self.assertTrue(65 <= int(shares["v1"]) <= 95, shares)

    def test_a_row_the_model_cannot_read_is_a_model_error(self):
        self.assertIn("ModelError: OriginalStatusCode 400, OriginalMessage \"row 1 is not a list of numbers: "
                      "'1,two,3'\"", self.output)
        self.assertIn('Received client error (400) from model with message "row 1 is not a list of numbers: '
                      "'1,two,3'\". See https://us-east-1.console.aws.amazon.com/cloudwatch/home", self.output)

    def test_the_endpoint_is_updated_to_the_shadow_configuration(self):
        self.assertIn("sum-shadow-config\tv1\tshadow", self.output)

    def test_the_capture_files_hold_each_variants_calls(self):
        records = self.records()
        self.assertEqual(sorted(records), ["shadow", "v1", "v2"])
        # Before the update: two CLI calls, the boto3 calls and the refused row; after it, one CLI call, of which
        # the shadow got a copy.
        self.assertEqual(len(records["v1"]) + len(records["v2"]), 2 + CALLS + 1 + 1)
        self.assertEqual(len(records["shadow"]), 1)
        for variant, model in (("v1", "sum-v1"), ("v2", "sum-v2"), ("shadow", "sum-v3-shadow")):
            answered = [r["captureData"]["endpointOutput"] for r in records[variant]
                        if r["captureData"]["endpointOutput"]["observedContentType"] == "application/json"]
            self.assertTrue(answered, variant)
            for output in answered:
                self.assertEqual(output["encoding"], "JSON")
                self.assertEqual(json.loads(output["data"])["model_version"], model)
        inputs = [r["captureData"]["endpointInput"] for r in records["v1"] + records["v2"]]
        self.assertIn({"observedContentType": "text/csv", "mode": "INPUT", "data": "1,2,3\n4,5,6\n",
                       "encoding": "CSV"}, inputs)
        self.assertIn("1,two,3", [i["data"] for i in inputs])

    def test_the_walkthrough_lists_the_capture_files_and_prints_the_shadows_record(self):
        for variant in ("v1", "v2", "shadow"):
            self.assertRegex(self.output, r"\./my-bucket/capture/sums/%s/\d{4}/\d\d/\d\d/\d\d/[^ \n]+\.jsonl" % variant)
        start = self.output.index("\n{\n", self.output.index("| python3 -m json.tool"))
        printed = json.loads(self.output[start:self.output.index("\n}\n", start) + 2])
        self.assertEqual(printed["captureData"]["endpointInput"]["data"], "1,2,3\n4,5,6\n")
        self.assertIn('"model_version": "sum-v3-shadow"', printed["captureData"]["endpointOutput"]["data"])


if __name__ == "__main__":
    unittest.main()
