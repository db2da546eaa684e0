"""The request journal over HTTP: every SageMaker call (answered, refused, faulted or dropped) is listed by
GET /_sagebox/requests with what was sent and answered, filtered by operation, status, error, since and limit;
DELETE empties it; --journal-size bounds it or turns it off; no credential or signature is ever in it."""
import datetime
import json
import re
import threading
import time
import unittest
import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from sagebox_harness import SageboxTestCase, StrictSageboxTestCase, model_input

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
MEMBERS = ["time", "request_id", "operation", "account", "region", "request", "status", "error_code",
           "error_message", "response", "duration_ms", "connection", "variant", "shadow"]
THROTTLE = {"code": "ThrottlingException", "message": "Rate exceeded", "status": 400}


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)


class JournalCase(SageboxTestCase):
    """Starts each test with no resources, no fault rules and an empty journal."""

    def setUp(self):
        super().setUp()
        self.assertEqual(self.admin("DELETE", "/_sagebox/faults").status, 200)
        self.assertEqual(self.admin("DELETE", "/_sagebox/requests").status, 200)

    def admin(self, method, path, body=None, headers=None):
        data = b"" if body is None else json.dumps(body).encode("utf-8")
        return self.client.request(method, path, data, headers)

    def journal(self, **filters):
        response = self.admin("GET", "/_sagebox/requests?" + urllib.parse.urlencode(filters))
        self.assertEqual(response.status, 200, response)
        return response.json["requests"]


class JournalTest(JournalCase):
    def test_calls_are_listed_with_what_was_sent_and_answered(self):
        before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
        created = self.client.call("CreateModel", model_input("m"))
        self.assertEqual(created.status, 200)
        missing = self.client.call("DescribeModel", {"ModelName": "nope"})
        self.assertEqual(missing.status, 400)
        entries = self.journal()
        self.assertEqual(len(entries), 2, entries)
        first, second = entries
        self.assertEqual(list(first), MEMBERS)
        self.assertRegex(first["time"], TIME)
        self.assertLessEqual(before, parse_time(first["time"]))
        self.assertLessEqual(parse_time(first["time"]), parse_time(second["time"]))
        self.assertEqual(first["request_id"], created.headers["x-amzn-requestid"])
        self.assertRegex(first["request_id"], UUID)
        self.assertEqual(first["operation"], "CreateModel")
        self.assertEqual(first["account"], "123456789012")
        self.assertEqual(first["region"], "us-east-1")
        self.assertEqual(first["request"], model_input("m"))
        self.assertEqual(first["status"], 200)
        self.assertIsNone(first["error_code"])
        self.assertIsNone(first["error_message"])
        self.assertEqual(first["response"], created.json)
        self.assertGreaterEqual(first["duration_ms"], 0)
        self.assertLess(first["duration_ms"], 5000)
        self.assertIsNone(first["connection"])

        self.assertEqual(second["request_id"], missing.headers["x-amzn-requestid"])
        self.assertEqual(second["operation"], "DescribeModel")
        self.assertEqual(second["request"], {"ModelName": "nope"})
        self.assertEqual(second["status"], 400)
        self.assertEqual((second["error_code"], second["error_message"]), missing.error())
        self.assertEqual(second["response"], missing.json)

    def test_the_caller_is_the_signatures_account_and_region(self):
        client = self.server.client(access_key="111122223333", region="eu-west-1")
        self.addCleanup(client.close)
        client.ok("ListModels", {})
        [entry] = self.journal()
        self.assertEqual((entry["account"], entry["region"]), ("111122223333", "eu-west-1"))

    def test_refused_calls_are_listed_too(self):
        self.client.call("DescribeModel", raw_body="{not json")
        self.client.call("Frobnicate", {})
        self.client.call("ListModels", {}, target=False)
        self.client.call("CreateModel", {"ModelName": "bad name"})  # invalid: a space in the name
        entries = self.journal()
        self.assertEqual([(e["operation"], e["status"], e["error_code"]) for e in entries], [
            ("DescribeModel", 400, "SerializationException"),
            ("Frobnicate", 400, "UnknownOperationException"),
            (None, 400, "UnknownOperationException"),
            ("CreateModel", 400, "ValidationException")])
        self.assertEqual(entries[0]["request"], "{not json")  # as the string it is
        # Before its caller is identified a call has no account or region; after, it has.
        self.assertEqual([(e["account"], e["region"]) for e in entries],
                         [(None, None)] * 3 + [("123456789012", "us-east-1")])

    def test_admin_calls_are_not_listed(self):
        self.client.reset()
        self.admin("POST", "/_sagebox/faults", {"operation": "ListModels", "latency_ms": 1})
        self.admin("GET", "/_sagebox/faults")
        self.admin("GET", "/_sagebox/health")
        self.assertEqual(self.journal(), [])

    def test_filters_and_limit(self):
        self.admin("POST", "/_sagebox/faults", {"operation": "ListModels", "times": 1, "error": THROTTLE})
        self.client.call("ListModels", {})                       # throttled
        self.client.ok("ListModels", {})
        self.client.ok("CreateModel", model_input("a"))
        self.client.call("DescribeModel", {"ModelName": "b"})    # ValidationException
        self.client.ok("DescribeModel", {"ModelName": "a"})

        def shown(entries):
            return [(e["operation"], e["status"]) for e in entries]

        self.assertEqual(shown(self.journal(operation="DescribeModel")),
                         [("DescribeModel", 400), ("DescribeModel", 200)])
        self.assertEqual(shown(self.journal(status=400)), [("ListModels", 400), ("DescribeModel", 400)])
        self.assertEqual(shown(self.journal(error="ThrottlingException")), [("ListModels", 400)])
        self.assertEqual(shown(self.journal(error="ValidationException", operation="DescribeModel")),
                         [("DescribeModel", 400)])
        self.assertEqual(shown(self.journal(limit=2)), [("DescribeModel", 400), ("DescribeModel", 200)])
        self.assertEqual(shown(self.journal(operation="ListModels", limit=1)), [("ListModels", 200)])
        self.assertEqual(self.journal(operation="DeleteModel"), [])

        # since: an entry's own time lists it and what came after; epoch seconds work too.
        entries = self.journal()
        since = entries[3]["time"]
        listed = self.journal(since=since)
        self.assertIn(entries[3], listed)
        self.assertEqual(listed, [e for e in entries if e["time"] >= since])
        future = time.time() + 3600
        self.assertEqual(self.journal(since="%.3f" % future), [])
        self.assertEqual(len(self.journal(since="%d" % (time.time() - 3600))), 5)
        offset = parse_time(entries[0]["time"]).astimezone(datetime.timezone(datetime.timedelta(hours=2)))
        self.assertEqual(len(self.journal(since=offset.isoformat(timespec="milliseconds"))), 5)

    def test_bad_filters_are_400_saying_what_is_wrong(self):
        cases = [
            ("op=ListModels",
             'Unknown query parameter "op"; the parameters are operation, status, error, since and limit.'),
            ("status=ok", 'The query parameter "status" must be an HTTP status from 100 to 599, not "ok".'),
            ("limit=0", 'The query parameter "limit" must be a positive integer, not "0".'),
            ("since=yesterday", 'The query parameter "since" must be a time: ISO 8601 such as '
                                '"2026-12-04T10:15:30.123Z", or epoch seconds, not "yesterday".'),
            ("limit=1&limit=2", 'The query parameter "limit" is given more than once.'),
            ("error=%zz", "The query string has a '%' that is not followed by two hex digits."),
        ]
        for query, message in cases:
            with self.subTest(query):
                self.assertError(self.admin("GET", "/_sagebox/requests?" + query), 400, "ValidationException",
                                 message)

    def test_faulted_calls_are_listed_as_they_went(self):
        self.admin("POST", "/_sagebox/faults", {"operation": "CreateModel", "times": 1, "error": THROTTLE})
        self.admin("POST", "/_sagebox/faults", {"operation": "ListModels", "times": 1, "latency_ms": 300})
        self.admin("POST", "/_sagebox/faults", {"operation": "DescribeModel", "times": 1, "connection": "reset"})
        self.admin("POST", "/_sagebox/faults", {"operation": "DeleteModel", "times": 1, "connection": "close"})
        throttled = self.client.call("CreateModel", model_input("m"))
        self.assertEqual(self.client.call("ListModels", {}).status, 200)
        for operation in ("DescribeModel", "DeleteModel"):
            client = self.server.client(reconnect=False)
            with self.assertRaises((ConnectionResetError, ConnectionError)):
                client.call(operation, {"ModelName": "m"})
            client.close()
        entries = self.journal()
        self.assertEqual([e["operation"] for e in entries], ["CreateModel", "ListModels", "DescribeModel",
                                                             "DeleteModel"])
        create, slow, reset, closed = entries
        self.assertEqual((create["status"], create["error_code"], create["error_message"]),
                         (400, "ThrottlingException", "Rate exceeded"))
        self.assertEqual(create["request_id"], throttled.headers["x-amzn-requestid"])
        self.assertEqual((slow["status"], slow["response"]), (200, {"Models": []}))
        self.assertGreaterEqual(slow["duration_ms"], 300)
        for entry, how in ((reset, "reset"), (closed, "close")):
            self.assertEqual(entry["connection"], how)
            self.assertEqual(entry["request"], {"ModelName": "m"})
            for member in ("request_id", "status", "error_code", "error_message", "response"):
                self.assertIsNone(entry[member], member)

    def test_a_delayed_answer_is_listed_once_it_is_given(self):
        self.admin("POST", "/_sagebox/faults", {"operation": "ListModels", "latency_ms": 1500, "error": THROTTLE})
        other = self.server.client()
        self.addCleanup(other.close)
        slow = threading.Thread(target=lambda: other.call("ListModels", {}))
        slow.start()
        time.sleep(0.3)
        self.client.call("DescribeModel", {"ModelName": "x"})
        self.assertEqual([e["operation"] for e in self.journal()], ["DescribeModel"])
        slow.join()
        entries = self.journal()
        self.assertEqual([e["operation"] for e in entries], ["DescribeModel", "ListModels"])
        # Listed by answer; its time is when it arrived.
        self.assertLess(parse_time(entries[1]["time"]), parse_time(entries[0]["time"]))
        self.assertGreaterEqual(entries[1]["duration_ms"], 1500)

    def test_delete_empties_the_journal(self):
        for _ in range(3):
            self.client.ok("ListModels", {})
        self.assertEqual(self.admin("DELETE", "/_sagebox/requests").json, {"deleted": 3})
        self.assertEqual(self.admin("GET", "/_sagebox/requests").json, {"requests": [], "journal_size": 1000})
        self.client.ok("ListModels", {})
        self.assertEqual(len(self.journal()), 1)
        # Reset deletes resources, not the journal: it has its own DELETE.
        self.client.reset()
        self.assertEqual(len(self.journal()), 1)

    def test_no_header_is_recorded(self):
        key, secret, token = "AKIDJOURNALKEY", "journal-secret-key-value", "journal-session-token"
        body = json.dumps({"MaxResults": 5}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "SageMaker.ListModels"}
        aws = AWSRequest(method="POST", url="http://127.0.0.1:%d/" % self.server.port, data=body, headers=headers)
        SigV4Auth(Credentials(key, secret, token), "sagemaker", "us-east-1").add_auth(aws)
        signed = dict(aws.headers.items())
        signature = signed["Authorization"].rsplit("Signature=", 1)[1]
        self.assertEqual(self.client.request("POST", "/", body, signed).status, 200)
        listed = self.admin("GET", "/_sagebox/requests").raw
        self.assertEqual(len(json.loads(listed)["requests"]), 1)
        for secret_part in (signature, secret, token, key, "AWS4-HMAC-SHA256", "Credential=", signed["X-Amz-Date"]):
            self.assertNotIn(secret_part, listed)


class SmallJournalTest(JournalCase):
    flags = ("--journal-size", "3")

    def test_the_ring_keeps_the_newest(self):
        for i in range(7):
            self.client.call("DescribeModel", {"ModelName": "m%d" % i})
        entries = self.journal()
        self.assertEqual([e["request"]["ModelName"] for e in entries], ["m4", "m5", "m6"])
        self.assertEqual(self.admin("GET", "/_sagebox/requests").json["journal_size"], 3)
        self.assertEqual(self.admin("DELETE", "/_sagebox/requests").json, {"deleted": 3})


class JournalOffTest(JournalCase):
    flags = ("--journal-size", "0")

    def test_nothing_is_recorded_and_the_listing_says_it_is_off(self):
        self.client.ok("ListModels", {})
        self.client.call("DescribeModel", {"ModelName": "m"})
        self.assertEqual(self.admin("GET", "/_sagebox/requests").json, {"requests": [], "journal_size": 0})
        self.assertEqual(self.admin("GET", "/_sagebox/requests?operation=ListModels").json["requests"], [])
        self.assertEqual(self.admin("DELETE", "/_sagebox/requests").json, {"deleted": 0})


class StrictJournalTest(StrictSageboxTestCase):
    credentials = "AKIDALICE alice-very-secret-key 111122223333\n"

    def test_auth_failures_are_listed_without_credentials_and_the_journal_needs_the_token(self):
        anyone = self.server.client(sign=False)
        self.addCleanup(anyone.close)
        for method in ("GET", "DELETE"):
            self.assertEqual(anyone.request(method, "/_sagebox/requests").status, 403)
        token = {"X-Sagebox-Admin-Token": "t0ken"}
        alice = self.server.client(access_key="AKIDALICE", secret="alice-very-secret-key")
        self.addCleanup(alice.close)
        self.assertEqual(alice.call("ListModels", {}).status, 200)
        forger = self.server.client(access_key="AKIDALICE", secret="a-wrong-guess")
        self.addCleanup(forger.close)
        self.assertEqual(forger.call("ListModels", {}).error()[0], "InvalidSignatureException")
        self.assertEqual(anyone.call("ListModels", {}).error()[0], "MissingAuthenticationTokenException")
        listed = anyone.request("GET", "/_sagebox/requests", headers=token)
        self.assertEqual(listed.status, 200)
        entries = listed.json["requests"]
        self.assertEqual([(e["status"], e["error_code"], e["account"]) for e in entries], [
            (200, None, "111122223333"),
            (400, "InvalidSignatureException", None),
            (400, "MissingAuthenticationTokenException", None)])
        for secret in ("alice-very-secret-key", "a-wrong-guess", "AKIDALICE", "Signature="):
            self.assertNotIn(secret, listed.raw)


if __name__ == "__main__":
    unittest.main()
