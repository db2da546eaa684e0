"""Strict mode: SigV4 verified like AWS against a credentials file, with botocore's own signatures."""
import datetime
import os
import shutil
import subprocess
import tempfile
import unittest

from sagebox_harness import BINARY, Sagebox, model_arn, model_input

CREDENTIALS = """# access key, secret, account
AKIDALICE alice-secret 111122223333
AKIDBOB   bob-secret   444455556666
"""


class StrictAuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="sagebox-strict-")
        cls.credentials = os.path.join(cls.directory, "credentials")
        with open(cls.credentials, "w") as f:
            f.write(CREDENTIALS)
        cls.server = Sagebox("--auth", "strict", "--credentials", cls.credentials, "--admin-token", "t0ken").start()

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0
        shutil.rmtree(cls.directory, ignore_errors=True)

    def client(self, **kwargs):
        kwargs.setdefault("access_key", "AKIDALICE")
        kwargs.setdefault("secret", "alice-secret")
        client = self.server.client(**kwargs)
        self.addCleanup(client.close)
        return client

    def setUp(self):
        admin = self.server.client(sign=False)
        self.assertEqual(admin.reset(headers={"X-Sagebox-Admin-Token": "t0ken"}).status, 200)
        admin.close()

    def assertError(self, response, code, message=None):
        self.assertEqual(response.status, 400, response)
        self.assertEqual(response.error()[0], code, response)
        if message is not None:
            self.assertEqual(response.error()[1], message)

    def test_signed_requests_are_accepted_and_scoped_to_the_key_account(self):
        alice = self.client()
        self.assertEqual(alice.ok("CreateModel", model_input("m"))["ModelArn"],
                         model_arn("m", account="111122223333"))

    def test_session_token_and_unicode_body(self):
        alice = self.client(token="FQoGZXIvYXdzEXAMPLE//token")
        model = model_input("m")
        model["Tags"] = [{"Key": "名前", "Value": "café ü"}]
        alice.ok("CreateModel", model)
        self.assertEqual(alice.ok("ListTags", {"ResourceArn": model_arn("m", account="111122223333")})["Tags"],
                         model["Tags"])

    def test_each_failure_kind(self):
        unsigned = self.server.client(sign=False)
        self.addCleanup(unsigned.close)
        self.assertError(unsigned.call("ListModels", {}), "MissingAuthenticationTokenException",
                         "Request is missing Authentication Token")
        self.assertError(self.client(secret="wrong").call("ListModels", {}), "InvalidSignatureException",
                         "The request signature we calculated does not match the signature you provided. Check your "
                         "AWS Secret Access Key and signing method. Consult the service documentation for details.")
        self.assertError(self.client(access_key="AKIDNOBODY").call("ListModels", {}), "UnrecognizedClientException",
                         "The security token included in the request is invalid.")
        old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
        response = self.client(signing_time=old).call("ListModels", {})
        self.assertError(response, "InvalidSignatureException")
        self.assertTrue(response.error()[1].startswith("Signature expired: " + old.strftime("%Y%m%dT%H%M%SZ") +
                                                       " is now earlier than "), response)
        self.assertError(unsigned.call("ListModels", {}, extra_headers={"Authorization": "AWS4-HMAC-SHA256 x"}),
                         "IncompleteSignatureException")

    def test_a_body_that_does_not_match_its_declared_hash_is_rejected(self):
        alice = self.client()
        response = alice.call("CreateModel", model_input("m"),
                              extra_headers={"X-Amz-Content-Sha256": "0" * 64})
        self.assertError(response, "InvalidSignatureException")

    def test_accounts_and_regions_are_isolated(self):
        alice, bob = self.client(), self.client(access_key="AKIDBOB", secret="bob-secret")
        alice_west = self.client(region="us-west-2")
        alice.ok("CreateModel", model_input("m"))
        for other in (bob, alice_west):
            self.assertError(other.call("DescribeModel", {"ModelName": "m"}), "ValidationException")
            self.assertEqual(other.ok("ListModels", {})["Models"], [])
            self.assertError(other.call("ListTags", {"ResourceArn": model_arn("m", account="111122223333")}),
                             "ValidationException", "Resource does not exist")
            self.assertError(other.call("DeleteModel", {"ModelName": "m"}), "ValidationException")
        self.assertEqual(bob.ok("CreateModel", model_input("m"))["ModelArn"], model_arn("m", account="444455556666"))
        self.assertEqual(alice_west.ok("CreateModel", model_input("m"))["ModelArn"],
                         model_arn("m", region="us-west-2", account="111122223333"))
        alice.ok("DescribeModel", {"ModelName": "m"})

    def test_admin_paths(self):
        anyone = self.server.client(sign=False)
        self.assertEqual(anyone.request("GET", "/_sagebox/health").status, 200)
        for headers in (None, {"X-Sagebox-Admin-Token": "wrong"}):
            response = anyone.reset(headers=headers)
            self.assertEqual(response.status, 403)
            self.assertEqual(response.json["__type"], "AccessDeniedException")
        self.assertEqual(anyone.request("POST", "/moto-api/reset", headers={"X-Sagebox-Admin-Token": "t0ken"}).status,
                         200)
        anyone.close()


class StrictStartupTest(unittest.TestCase):
    def run_binary(self, *args):
        return subprocess.run([BINARY, "--port", "0", *args], capture_output=True, text=True, timeout=30)

    def test_strict_needs_credentials(self):
        result = self.run_binary("--auth", "strict")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--credentials", result.stderr)

    def test_bad_credentials_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write("AKID secret not-an-account\n")
            f.flush()
            result = self.run_binary("--auth", "strict", "--credentials", f.name)
        self.assertEqual(result.returncode, 2)
        self.assertIn(":1:", result.stderr)
        result = self.run_binary("--auth", "strict", "--credentials", "/nonexistent/creds")
        self.assertEqual(result.returncode, 2)
        self.assertIn("cannot read credentials file", result.stderr)


if __name__ == "__main__":
    unittest.main()
