"""The real hashicorp/aws Terraform provider against sagebox, offline.

The root module in main/ uses every argument of aws_sagemaker_model, aws_sagemaker_endpoint_configuration and
aws_sagemaker_endpoint (see the comments there). In order, with the provider found in a local filesystem mirror
and pinned to its version:
  apply -> plan -detailed-exitcode exits 0 -> every attribute Terraform stored equals what the configuration set
  (unset ones empty, generated names by the provider's rule) and sagebox's ListTags agrees -> a fresh state with
  `import` blocks for every resource: only imports, no change, the imported attributes equal the applied ones ->
  phase 2 applied: tags changed (one added, one changed, one removed), an endpoint moved to another configuration
  -> plan empty -> a configuration and an endpoint deleted through the API -> the plan proposes exactly their
  re-creation -> destroy -> every Describe answers SageMaker's not-found error.
The module in invalid/ breaks SageMaker's constraints: its apply fails with sagebox's exact messages and leaves
nothing behind. The module in failing/ is applied after a lifecycle rule makes its endpoint's create fail: the
apply fails with the rule's reason. examples/terraform is applied, planned and destroyed as the README says.

Each command that starts the provider costs ~10-15 s of CPU, so all scenarios share one root module and each step
runs once. A missing Terraform or provider mirror is SKIPPED (a failure with SAGEBOX_REQUIRE_CLIENTS=1).
Where the provider is looked for: $SAGEBOX_TERRAFORM_PLUGIN_MIRROR, Terraform's implied mirror folders, /opt, and
at last the whole file system.

Run: cd tests/clients/terraform && SAGEBOX_BINARY=../../../build/test/sagebox python3 test_terraform_provider.py -v
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.dirname(HERE))

import client_support  # noqa: E402  (sets up the import path)
from sagebox_harness import Sagebox  # noqa: E402

ACCOUNT = "123456789012"
REGION = "us-east-1"
PROVIDER_GLOB = "registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws_*"
GENERATED_SUFFIX = r"\d{18}[0-9a-f]{8}"  # sdkid.UniqueId: UTC time to 1/10,000 s and an 8-hex-digit counter
ARN_TYPES = {"aws_sagemaker_model": "model", "aws_sagemaker_endpoint_configuration": "endpoint-config",
             "aws_sagemaker_endpoint": "endpoint"}
NOUNS = {"aws_sagemaker_model": "model", "aws_sagemaker_endpoint_configuration": "endpoint configuration",
         "aws_sagemaker_endpoint": "endpoint"}
OPERATION_NOUNS = {"aws_sagemaker_model": "Model", "aws_sagemaker_endpoint_configuration": "EndpointConfig",
                   "aws_sagemaker_endpoint": "Endpoint"}
LISTS = {"aws_sagemaker_model": "Models", "aws_sagemaker_endpoint_configuration": "EndpointConfigs",
         "aws_sagemaker_endpoint": "Endpoints"}

# Tags in main/ depend on var.phase; every resource not named here has none.
TAGS = {
    "aws_sagemaker_endpoint_configuration.basic": {1: {"Name": "foo"}, 2: {"Name": "foo"}},
    "aws_sagemaker_endpoint_configuration.tags": {1: {"team": "ml", "stage": "test"},
                                                  2: {"team": "ml-platform", "owner": "sagebox"}},
    "aws_sagemaker_model.single_model": {1: {"team": "ml", "stage": "test"},
                                         2: {"team": "ml-platform", "owner": "sagebox"}},
    "aws_sagemaker_endpoint.basic": {1: {"team": "ml", "stage": "test"},
                                     2: {"team": "ml-platform", "owner": "sagebox"}},
}
# Other arguments that depend on var.phase: the resource whose name they take in each phase.
PHASED = {
    "aws_sagemaker_endpoint.basic.endpoint_config_name": {
        1: "aws_sagemaker_endpoint_configuration.basic", 2: "aws_sagemaker_endpoint_configuration.two_variants"},
}
# Attributes that Terraform fills in when the configuration leaves them unset, with what they must be then.
SCHEMA_DEFAULTS = {"initial_variant_weight": 1, "mode": "SingleModel"}
# Attributes whose value is derived from others; checked on their own in check_computed.
COMPUTED = {"arn", "id", "name", "name_prefix", "tags", "tags_all", "variant_name"}
# The nested blocks of these resources that the provider's schema makes sets (nesting mode "set"), not lists.
SET_BLOCKS = {"alarms"}
# Deleted behind Terraform's back: an endpoint configuration, and an endpoint.
DELETED_OUT_OF_BAND = ["aws_sagemaker_endpoint_configuration.capture_output", "aws_sagemaker_endpoint.canary"]
# invalid/: each resource, its name and the error Terraform must show for it, as sagebox words it.
INVALID = {
    "aws_sagemaker_endpoint_configuration.underscore_in_variant_name": (
        "underscore-in-variant-name",
        "api error ValidationException: 1 validation error detected: Value 'variant_1' at "
        "'productionVariants.1.member.variantName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"),
    "aws_sagemaker_endpoint_configuration.managed_scaling_with_model": (
        "managed-scaling-with-model",
        "api error ValidationException: ManagedInstanceScaling is only supported for inference component "
        "endpoints."),
}


def find_provider():
    """(mirror folder, version, platform) of a hashicorp/aws provider in a filesystem mirror, or None."""
    home = os.path.expanduser("~")
    roots = [os.environ.get("SAGEBOX_TERRAFORM_PLUGIN_MIRROR", ""), os.path.join(home, ".terraform.d", "plugins"),
             os.path.join(home, ".local", "share", "terraform", "plugins"), "/usr/local/share/terraform/plugins",
             "/usr/share/terraform/plugins"] + glob.glob("/opt/*")
    found = [path for root in roots if root for path in glob.glob(os.path.join(root, PROVIDER_GLOB))]
    if not found:
        search = subprocess.run(["find", "/", "-xdev", "(", "-path", "/proc", "-o", "-path", "/sys", ")", "-prune",
                                 "-o", "-name", "terraform-provider-aws_*", "-path", "*/" + PROVIDER_GLOB,
                                 "-print"], capture_output=True, text=True, timeout=120)
        found = search.stdout.split()
    if not found:
        return None
    path = sorted(found)[-1]
    platform_dir = os.path.dirname(path)
    version_dir = os.path.dirname(platform_dir)
    mirror = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(version_dir))))
    return mirror, os.path.basename(version_dir), os.path.basename(platform_dir)


def empty(value):
    """Terraform shows an unset nested block or map as [] or {} in one place and null in another."""
    return value is None or value == [] or value == {}


def same(a, b):
    return (empty(a) and empty(b)) or a == b


def zero(value):
    return empty(value) or value in ("", 0, False)


def resources_of(values):
    """{address: attribute values} of a `terraform show -json` values document (root module only)."""
    return {r["address"]: r["values"] for r in values["root_module"].get("resources", []) if r["mode"] == "managed"}


class Terraform:
    """The terraform CLI in one working directory, with the suite's CLI configuration and sagebox's address."""

    def __init__(self, directory, env, endpoint, endpoint_variable="endpoint"):
        self.directory = directory
        self.env = env
        self.endpoint = "%s=%s" % (endpoint_variable, endpoint)
        self.log = []

    def start(self, *args, variables=None):
        """Starts `terraform args...` and returns the process; finish() waits for it."""
        command = ["terraform", *args]
        if args[0] in ("apply", "plan", "destroy"):
            command += ["-input=false", "-no-color", "-var", self.endpoint]
            for name, value in (variables or {}).items():
                command += ["-var", "%s=%s" % (name, value)]
        process = subprocess.Popen(command, cwd=self.directory, env=self.env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        process.args_text, process.started = " ".join(args), time.monotonic()
        return process

    def finish(self, process, expect=(0,)):
        """(stdout, stderr) of a process start() returned, once it has exited with one of `expect`."""
        stdout, stderr = process.communicate(timeout=600)
        seconds = time.monotonic() - process.started
        self.log.append("%5.1f s  terraform %s -> %d" % (seconds, process.args_text, process.returncode))
        if process.returncode not in expect:
            raise AssertionError("terraform %s exited %d (expected %s)\n%s\n%s" % (
                process.args_text, process.returncode, expect, stdout[-20000:], stderr[-20000:]))
        return stdout, stderr

    def run(self, *args, variables=None, expect=(0,)):
        return self.finish(self.start(*args, variables=variables), expect)

    def show(self, plan_file):
        return json.loads(self.run("show", "-json", plan_file)[0])


class TerraformProviderTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        client_support.require(shutil.which("terraform") is not None, "Terraform provider tests",
                               "the terraform CLI on PATH")
        provider = find_provider()
        client_support.require(provider is not None, "Terraform provider tests",
                               "the hashicorp/aws provider in a filesystem mirror")
        cls.mirror, cls.version, cls.platform = provider
        print("terraform provider: hashicorp/aws %s (%s) from %s" % (cls.version, cls.platform, cls.mirror))
        cls.suite_started = time.monotonic()
        cls.work = tempfile.mkdtemp(prefix="sagebox-terraform-")
        cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
        config = os.path.join(cls.work, "cli.tfrc")
        with open(config, "w") as f:
            # Only the mirror: nothing is ever downloaded.
            f.write('provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n'
                    '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
                    '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n' % cls.mirror)
        cls.env = {key: value for key, value in os.environ.items()
                   if not key.startswith(("AWS_", "TF_")) and key != "CHECKPOINT_DISABLE"}
        cls.env.update(TF_CLI_CONFIG_FILE=config, TF_IN_AUTOMATION="1", TF_INPUT="0", CHECKPOINT_DISABLE="1",
                       AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull,
                       AWS_SHARED_CREDENTIALS_FILE=os.devnull)

        # The provider retries a create that SageMaker refuses with a ValidationException for two minutes (IAM
        # roles propagate slowly on AWS), so the rejected configurations are applied in the background, against a
        # sagebox of their own, while the lifecycle runs; test_rejected_configurations collects the outcome.
        cls.rejected_server = Sagebox().start()
        cls.addClassCleanup(cls.rejected_server.stop)
        cls.rejected = cls.module("rejected", "invalid", cls.rejected_server)
        cls.rejected_apply = cls.rejected.start("apply", "-auto-approve")
        cls.addClassCleanup(lambda: cls.rejected_apply.poll() is None and cls.rejected_apply.kill())

    def setUp(self):
        self.server = Sagebox().start()
        self.client = self.server.client()

    def tearDown(self):
        if self.client.connection is not None:
            self.client.connection.close()
        self.server.stop()

    @classmethod
    def module(cls, name, source, server):
        """A working directory holding source/*.tf, the provider block and the pinned version; initialised."""
        directory = os.path.join(cls.work, name)
        os.makedirs(directory)
        for path in glob.glob(os.path.join(HERE, source, "*.tf")) + [os.path.join(HERE, "main", "provider.tf")]:
            shutil.copy(path, directory)
        with open(os.path.join(directory, "versions.tf"), "w") as f:
            f.write('terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
                    '      version = "%s"\n    }\n  }\n}\n' % cls.version)
        return cls.initialised(Terraform(directory, cls.env, "http://127.0.0.1:%d" % server.port))

    @staticmethod
    def initialised(terraform):
        terraform.run("init", "-input=false", "-no-color")
        return terraform

    def report(self, terraform, title):
        print("\n%s (suite at %.0f s):\n  %s" % (title, time.monotonic() - self.suite_started,
                                                "\n  ".join(terraform.log)))

    # --- what sagebox holds, on the wire ----------------------------------------------------------------------

    def arn(self, resource_type, name):
        return "arn:aws:sagemaker:%s:%s:%s/%s" % (REGION, ACCOUNT, ARN_TYPES[resource_type], name.lower())

    def call(self, operation, params, client=None):
        response = (client or self.client).call(operation, params)
        self.assertEqual(response.headers.get("content-type"), "application/x-amz-json-1.1")
        return response

    def assert_sagebox_tags(self, arn, expected):
        response = self.call("ListTags", {"ResourceArn": arn})
        self.assertEqual(response.status, 200, response.raw)
        self.assertEqual(list(response.json), ["Tags"], "ListTags must answer only Tags: %s" % response.raw)
        self.assertEqual({t["Key"]: t["Value"] for t in response.json["Tags"]}, expected, arn)
        self.assertEqual(len(response.json["Tags"]), len(expected), "ListTags repeats a key: %s" % response.raw)

    def assert_gone(self, resource_type, name, client=None):
        noun, operation = NOUNS[resource_type], OPERATION_NOUNS[resource_type]
        member = operation + "Name"
        expected = {"__type": "ValidationException",
                    "message": 'Could not find %s "%s".' % (noun, self.arn(resource_type, name))}
        for action in ("Describe", "Delete"):
            response = self.call(action + operation, {member: name}, client)
            self.assertEqual((response.status, response.json), (400, expected), "%s%s %s" % (action, operation, name))

    # --- what Terraform stored against what the configuration set ----------------------------------------------

    def check_block(self, where, expressions, values, state, phase):
        """Every attribute the configuration set equals the stored one; every other one is empty or the schema's
        default. `expressions` is one block of `terraform show -json`'s configuration."""
        for key, value in values.items():
            path = "%s.%s" % (where, key)
            if key in COMPUTED:
                continue
            expression = expressions.get(key)
            if expression is None:
                self.assertTrue(zero(value) or SCHEMA_DEFAULTS.get(key) == value,
                                "%s is not set in the configuration but Terraform holds %r" % (path, value))
            elif isinstance(expression, list):  # nested blocks
                self.assertIsInstance(value, list, path)
                self.assertEqual(len(value), len(expression), "%s: %r" % (path, value))
                if key in SET_BLOCKS:  # Terraform orders a set its own way: match each block to a stored one
                    value = [self.matching_block(path, block, value, state, phase) for block in expression]
                for index, (block, stored) in enumerate(zip(expression, value)):
                    self.check_block("%s[%d]" % (path, index), block, stored, state, phase)
            elif "constant_value" in expression:
                expected = expression["constant_value"]
                if isinstance(expected, list) and isinstance(value, list):  # sets of strings: Terraform sorts them
                    expected, value = sorted(expected), sorted(value)
                self.assertTrue(same(value, expected), "%s: configured %r, Terraform holds %r" % (path, expected, value))
            elif "var.phase" in expression["references"]:
                self.assertEqual(value, state[PHASED[path][phase]]["name"], path)
            else:  # a reference, e.g. aws_sagemaker_model.basic.name
                address, attribute = expression["references"][0].rsplit(".", 1)
                self.assertEqual(value, state[address][attribute], path)
        for key in expressions:
            self.assertIn(key, values, "%s.%s is configured but Terraform holds nothing" % (where, key))

    def matching_block(self, path, block, stored_blocks, state, phase):
        for stored in stored_blocks:
            try:
                self.check_block(path, block, stored, state, phase)
                return stored
            except AssertionError:
                continue
        self.fail("%s: no stored block matches the configured %r among %r" % (path, block, stored_blocks))

    def check_computed(self, address, expressions, values, phase):
        resource_type = address.split(".")[0]
        name = values["name"]
        self.assertEqual(values["id"], name, address)
        self.assertEqual(values["arn"], self.arn(resource_type, name), address)
        if "name" in expressions:
            self.assertEqual(name, expressions["name"]["constant_value"], address)
        elif "name_prefix" in expressions:
            prefix = expressions["name_prefix"]["constant_value"]
            self.assertRegex(name, "^" + re.escape(prefix) + GENERATED_SUFFIX + "$", address)
            self.assertEqual(values["name_prefix"], prefix, address)
        else:
            self.assertRegex(name, "^terraform-" + GENERATED_SUFFIX + "$", address)
        tags = TAGS.get(address, {}).get(phase, {})
        self.assertTrue(same(values["tags"], tags), "%s: tags %r, expected %r" % (address, values["tags"], tags))
        self.assertTrue(same(values["tags_all"], tags), "%s: tags_all %r" % (address, values["tags_all"]))
        for list_name in ("production_variants", "shadow_production_variants"):
            for variant, configured in zip(values.get(list_name, []), expressions.get(list_name, [])):
                if "variant_name" in configured:
                    self.assertEqual(variant["variant_name"], configured["variant_name"]["constant_value"])
                else:
                    self.assertRegex(variant["variant_name"], "^terraform-" + GENERATED_SUFFIX + "$", address)

    def check_state(self, plan, phase):
        """The refreshed state in `plan` (a show -json document) against its configuration; and sagebox's tags."""
        configured = {r["address"]: r["expressions"] for r in plan["configuration"]["root_module"]["resources"]}
        state = resources_of(plan["prior_state"]["values"])
        self.assertEqual(sorted(state), sorted(configured), "every configured resource is in the state")
        for address, values in state.items():
            self.check_computed(address, configured[address], values, phase)
            self.check_block(address, configured[address], values, state, phase)
            self.assert_sagebox_tags(values["arn"], TAGS.get(address, {}).get(phase, {}))
        return state

    # --- the scenarios ------------------------------------------------------------------------------------------

    def test_lifecycle(self):
        terraform = self.module("main", "main", self.server)
        try:
            self.lifecycle(terraform)
        finally:
            self.report(terraform, "main module")

    def lifecycle(self, terraform):
        terraform.run("apply", "-auto-approve")

        # An empty plan, and every attribute as configured.
        terraform.run("plan", "-detailed-exitcode", "-out=after-apply.plan")
        plan = terraform.show("after-apply.plan")
        applied = self.check_state(plan, 1)
        self.assertEqual(len(applied), 26)  # 6 models, 14 endpoint configurations, 6 endpoints

        # Import everything into a fresh state: the plan imports each resource and changes nothing.
        self.import_all(applied)

        # Phase 2: tags ("team" changes, "owner" is added, "stage" is removed), and an endpoint moves to another
        # configuration.
        terraform.run("apply", "-auto-approve", variables={"phase": 2})
        terraform.run("plan", "-detailed-exitcode", "-out=after-phase-2.plan", variables={"phase": 2})
        self.check_state(terraform.show("after-phase-2.plan"), 2)

        # Deleted behind Terraform's back: the plan re-creates exactly those and touches nothing else.
        for address in DELETED_OUT_OF_BAND:
            resource_type = address.split(".")[0]
            operation = OPERATION_NOUNS[resource_type]
            deleted = self.call("Delete" + operation, {operation + "Name": applied[address]["name"]})
            self.assertEqual(deleted.status, 200, deleted.raw)
        terraform.run("plan", "-detailed-exitcode", "-out=after-delete.plan", variables={"phase": 2}, expect=(2,))
        changes = terraform.show("after-delete.plan")["resource_changes"]
        actions = {change["address"]: change["change"]["actions"] for change in changes}
        self.assertEqual(actions, {address: ["create"] if address in DELETED_OUT_OF_BAND else ["no-op"]
                                   for address in applied})

        terraform.run("destroy", "-auto-approve", variables={"phase": 2})
        with open(os.path.join(terraform.directory, "terraform.tfstate")) as f:
            self.assertEqual(json.load(f)["resources"], [])
        for address, values in applied.items():
            self.assert_gone(address.split(".")[0], values["name"])
        for resource_type, member in LISTS.items():
            listed = self.call("List" + member, {})
            self.assertEqual(listed.status, 200, listed.raw)
            self.assertEqual(listed.json[member], [], member)

    def import_all(self, applied):
        """A second working directory with the same configuration and an import block for every resource."""
        terraform = self.module("import", "main", self.server)
        with open(os.path.join(terraform.directory, "imports.tf"), "w") as f:
            for address, values in sorted(applied.items()):
                f.write('import {\n  to = %s\n  id = "%s"\n}\n\n' % (address, values["id"]))
        try:
            output, _ = terraform.run("plan", "-detailed-exitcode", "-out=import.plan", expect=(2,))
            self.assertIn("Plan: %d to import, 0 to add, 0 to change, 0 to destroy." % len(applied), output)
            changes = terraform.show("import.plan")["resource_changes"]
        finally:
            self.report(terraform, "import")
        self.assertEqual(sorted(change["address"] for change in changes), sorted(applied))
        for change in changes:
            address = change["address"]
            self.assertEqual(change["change"]["actions"], ["no-op"], address)
            self.assertEqual(change["change"]["importing"], {"id": applied[address]["id"]}, address)
            imported = change["change"]["after"]
            for key in sorted(set(imported) | set(applied[address])):
                self.assertTrue(same(imported.get(key), applied[address].get(key)),
                                "%s.%s imported as %r, applied as %r" % (
                                    address, key, imported.get(key), applied[address].get(key)))

    def test_readme_example(self):
        """examples/terraform as the README runs it: apply, an empty plan, destroy."""
        directory = os.path.join(self.work, "example")
        shutil.copytree(os.path.join(ROOT, "examples", "terraform"), directory)
        terraform = self.initialised(Terraform(directory, self.env, "http://127.0.0.1:%d" % self.server.port,
                                               endpoint_variable="sagebox_endpoint"))
        try:
            terraform.run("apply", "-auto-approve")
            self.assert_sagebox_tags(self.arn("aws_sagemaker_endpoint_configuration", "my-endpoint-config"),
                                     {"Name": "foo"})
            terraform.run("plan", "-detailed-exitcode")
            terraform.run("destroy", "-auto-approve")
        finally:
            self.report(terraform, "examples/terraform")
        self.assert_gone("aws_sagemaker_endpoint_configuration", "my-endpoint-config")
        self.assert_gone("aws_sagemaker_model", "my-model")

    def test_failed_endpoint_reports_its_reason(self):
        """failing/ applied after a lifecycle rule makes its endpoint's create fail: the provider's wait for
        InService meets Failed and the apply fails with the FailureReason."""
        reason = ("CannotStartContainerError. Please ensure the model container for variant variant-1 starts "
                  "correctly when invoked with 'docker run <image> serve'")
        rule = {"resource": "endpoint", "name": "doomed", "on": "create", "outcome": "fail", "reason": reason}
        added = self.client.request("POST", "/_sagebox/lifecycle", json.dumps(rule).encode())
        self.assertEqual(added.status, 200, added)
        terraform = self.module("failing", "failing", self.server)
        try:
            stdout, errors = terraform.run("apply", "-auto-approve", expect=(1,))
        finally:
            self.report(terraform, "failing endpoint")
        self.assertIn('resource "aws_sagemaker_endpoint" "doomed"', errors)
        self.assertIn(reason, errors)
        described = self.call("DescribeEndpoint", {"EndpointName": "doomed"}).json
        self.assertEqual((described["EndpointStatus"], described["FailureReason"]), ("Failed", reason))
        self.assertEqual(self.client.request("GET", "/_sagebox/lifecycle").json["rules"][0]["fired"], 1)

    def test_rejected_configurations(self):
        # Runs last (unittest orders tests by name), so the apply started in setUpClass has had the others' time.
        terraform, client = self.rejected, self.rejected_server.client()
        try:
            _, errors = terraform.finish(self.rejected_apply, expect=(1,))
        finally:
            self.report(terraform, "rejected configurations (applied in the background)")
        # Each message is one line of sagebox's, as Terraform prints it.
        self.assertEqual(errors.count("Error: creating SageMaker AI Endpoint Configuration"), len(INVALID), errors)
        for address, (name, message) in INVALID.items():
            resource_type, label = address.split(".")
            self.assertIn('resource "%s" "%s"' % (resource_type, label), errors)
            self.assertRegex(errors, r"StatusCode: 400, RequestID: [0-9a-f-]{36}, " + re.escape(message) + r"\n",
                             address)
            self.assert_gone(resource_type, name, client)
        with open(os.path.join(terraform.directory, "terraform.tfstate")) as f:
            self.assertEqual(json.load(f)["resources"], [])
        for member in LISTS.values():
            self.assertEqual(client.call("List" + member, {}).json[member], [], member)
        client.connection.close()

if __name__ == "__main__":
    unittest.main()
