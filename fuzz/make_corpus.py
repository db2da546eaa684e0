#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from what the tests send.

  fuzz_pipeline    raw HTTP/1.1 requests as botocore signs them (tests/integration/sagebox_harness.py's inputs),
                   one request or several pipelined, plus the error cases of tests/unit/protocol_test.cpp
  fuzz_schema      the shape-selector byte + the JSON of tests/data/validation_cases.json (valid inputs, one
                   invalid case of each constraint kind)
  fuzz_sigv4       the Authorization headers of tests/unit/identity_test.cpp, as "authorization\\nx-amz-date\\n
                   target\\nmethod\\nbody" (the botocore ones verify in the target's strict mode)
  fuzz_page_token  a valid token, a signed payload and a cursor (mode byte 0, 1, 2)
and the dictionaries of the JSON-fed targets (fuzz/dicts/<target>.dict: the schema's member names and enum
values, and for the pipeline the HTTP and SigV4 words), which scripts/fuzz passes with -dict.

Deterministic: the same files every run (requests are signed as of 2026-11-25T12:00:00Z). Needs botocore.
Run it after changing the tests' inputs; the corpora stay small (a few KB per target).
"""
import base64
import datetime
import functools
import hashlib
import hmac
import json
import os
import shutil
import sys
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

import sagebox_harness as harness  # noqa: E402

SIGNING_TIME = datetime.datetime(2026, 11, 25, 12, 0, 0)
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"  # tests/unit/identity_test.cpp and fuzz_sigv4.cpp
TOKEN_SECRET = b"0123456789abcdef0123456789abcdef"  # fuzz_page_token.cpp


def write(target, name, data):
    directory = os.path.join(HERE, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------------------------------------------------------
# fuzz_pipeline

def http_request(operation, params=None, raw_body=None, access_key="AKIAIOSFODNN7EXAMPLE", region="us-east-1",
                 target=None, sign=True):
    body = (raw_body if raw_body is not None else compact(params if params is not None else {})).encode("utf-8")
    headers = {"Host": "localhost:8080", "Content-Type": "application/x-amz-json-1.1"}
    if target is not False:
        headers["X-Amz-Target"] = target or "SageMaker." + operation
    if sign:
        aws = AWSRequest(method="POST", url="http://localhost:8080/", data=body, headers=headers)
        signer = SigV4Auth(Credentials(access_key, "secret"), "sagemaker", region)
        with mock.patch("botocore.auth.get_current_datetime", return_value=SIGNING_TIME):
            signer.add_auth(aws)
        headers = dict(aws.headers.items())
    headers["Content-Length"] = str(len(body))
    head = "POST / HTTP/1.1\r\n" + "".join("%s: %s\r\n" % item for item in headers.items()) + "\r\n"
    return head.encode("utf-8") + body


def pipeline_seeds():
    t = "fuzz_pipeline"
    write(t, "create_model", http_request("CreateModel", harness.model_input("m1")))
    write(t, "create_model_full", http_request("CreateModel", harness.full_model_input("Full-1"), sign=False))
    write(t, "create_endpoint_config_serverless",
          http_request("CreateEndpointConfig", harness.serverless_endpoint_config_input("ec-1", "m1")))
    write(t, "create_endpoint_config_inference_component",
          http_request("CreateEndpointConfig", harness.inference_component_endpoint_config_input("ec-ic")))
    write(t, "list_models_unsigned", http_request("ListModels", {}, sign=False))
    write(t, "list_models_account", http_request("ListModels", {"MaxResults": 1, "SortBy": "Name"},
                                                 access_key="111122223333", region="eu-west-1"))
    # A whole life in one input: the requests share the database (signed once, to keep the seeds small).
    model_arn = harness.model_arn("m1")
    unsigned = functools.partial(http_request, sign=False)
    write(t, "sequence_models", b"".join([
        http_request("CreateModel", harness.model_input("m1")),
        unsigned("CreateModel", harness.model_input("m2")),
        unsigned("CreateModel", harness.model_input("m1")),
        unsigned("DescribeModel", {"ModelName": "M1"}),
        unsigned("ListModels", {"MaxResults": 1, "SortBy": "Name", "SortOrder": "Ascending",
                                "NameContains": "m", "CreationTimeAfter": 0}),
        unsigned("AddTags", {"ResourceArn": model_arn, "Tags": [{"Key": "k", "Value": "v"}]}),
        unsigned("ListTags", {"ResourceArn": model_arn, "MaxResults": 1}),
        unsigned("DeleteTags", {"ResourceArn": model_arn, "TagKeys": ["k"]}),
        unsigned("DeleteModel", {"ModelName": "m1"}),
    ]))
    write(t, "sequence_endpoint_configs", b"".join([
        http_request("CreateEndpointConfig", harness.serverless_endpoint_config_input("ec-1", "m1")),
        unsigned("DescribeEndpointConfig", {"EndpointConfigName": "ec-1"}),
        unsigned("ListEndpointConfigs", {"MaxResults": 1, "CreationTimeBefore": "2100-01-01T00:00:00Z"}),
        unsigned("DeleteEndpointConfig", {"EndpointConfigName": "ec-1"}),
        unsigned("DescribeEndpointConfig", {"EndpointConfigName": "ec-1"}),
    ]))
    # The errors of tests/unit/protocol_test.cpp.
    write(t, "invalid_json", http_request("ListModels", raw_body="{\"a\":}"))
    write(t, "not_an_object", http_request("ListModels", raw_body="[]"))
    write(t, "no_target", http_request("ListModels", target=False))
    write(t, "unknown_operation", http_request("Nope", target="SageMaker.Nope"))
    write(t, "validation_errors", http_request("CreateModel", {"ModelName": "-bad-", "Tags": [{"Key": "aws:x"}]}))
    write(t, "malformed_authorization",
          http_request("ListModels", sign=False).replace(b"Host:", b"Authorization: AWS4-HMAC-SHA256 Credential=x\r\nHost:"))
    # A chunked body, as some clients stream it.
    write(t, "chunked",
          b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: SageMaker.DescribeModel\r\n"
          b"Transfer-Encoding: chunked\r\n\r\n5\r\n{\"Mod\r\n10\r\nelName\":\"m1\"}   \r\n0\r\n\r\n")


# ---------------------------------------------------------------------------------------------------------------
# fuzz_schema

def schema_seeds():
    t = "fuzz_schema"
    with open(os.path.join(ROOT, "schemas", "sagemaker.json")) as f:
        operations = json.load(f)["operations"]
    # fuzz_schema.cpp: the input shapes in the order of Schema::operations() (by name), selected modulo their number.
    shapes = [operations[name]["input"] for name in sorted(operations) if operations[name]["input"]]
    with open(os.path.join(ROOT, "tests", "data", "validation_cases.json")) as f:
        cases = json.load(f)
    for case in cases["valid"]:
        write(t, "valid_" + case["operation"], bytes([shapes.index(case["shape"])]) + compact(case["input"]).encode())
    kinds = {}
    for case in cases["cases"]:
        kind = case["name"].rsplit(" ", 1)[-1]
        kinds.setdefault(kind, case)
    for kind, case in sorted(kinds.items()):
        write(t, "invalid_" + kind, bytes([shapes.index(case["shape"])]) + compact(case["input"]).encode())
    write(t, "timestamps", bytes([shapes.index("ListModelsInput")]) +
          b'{"CreationTimeAfter":"2024-01-02T03:04:05.678+01:00","CreationTimeBefore":1.7e9,"MaxResults":100}')
    write(t, "wrong_types", bytes([shapes.index("CreateModelInput")]) +
          b'{"ModelName":5,"Containers":{},"EnableNetworkIsolation":"true","Tags":[null]}')


# ---------------------------------------------------------------------------------------------------------------
# fuzz_sigv4

def sigv4_seeds():
    t = "fuzz_sigv4"

    def auth(signed_headers, signature, key="AKIDEXAMPLE", scope="20261125/eu-west-1/sagemaker/aws4_request"):
        return "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (key, scope, signed_headers,
                                                                                     signature)

    # tests/unit/identity_test.cpp: botocore_post and botocore_get_with_query_and_token (valid in strict mode).
    write(t, "botocore_post", "\n".join([
        auth("content-type;host;x-amz-date;x-amz-target",
             "ce388811d626cda9169aaba9f9e8bf38ddd6ccb56ee5b0f9a7c23c278e38abd7"),
        "20261125T120000Z", "/", "POST", '{"ModelName":"m"}']))
    write(t, "botocore_get_query_token", "\n".join([
        auth("host;x-amz-date;x-amz-security-token",
             "6f1674d179661e6c72467b074119428b7e352a5fa297d6d69b3664b5bb2381ec"),
        "20261125T120000Z", "/base%20path/x?b=2&a=1&c=%20x&a=0", "GET", ""]))
    write(t, "lenient_account", auth("host;x-amz-date;x-amz-target", "abcdef0123", key="111122223333",
                                     scope="20261125/ap-south-1/sagemaker/aws4_request"))
    write(t, "no_date", auth("host", "00"))
    write(t, "other_service", auth("host", "00", scope="20261125/eu-west-1/s3/aws4_request") + "\n20261125T120000Z")
    write(t, "expired", auth("host", "00") + "\n20261125T100000Z")
    write(t, "bad_date", auth("host", "00") + "\n2026-11-25T12:00:00Z")
    write(t, "short_scope", "AWS4-HMAC-SHA256 Credential=AKID/us-east-1, SignedHeaders=host, Signature=00")
    write(t, "only_credential", "AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/sagemaker/aws4_request")
    write(t, "not_sigv4", "Basic dXNlcjpwYXNz")


# ---------------------------------------------------------------------------------------------------------------
# fuzz_page_token

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def page_token_seeds():
    t = "fuzz_page_token"
    # As encode_page_token writes it (nlohmann's compact dump) for fuzz_page_token.cpp's binding.
    payload = compact({"a": "123456789012", "r": "us-east-1", "t": "model", "s": "Name:Ascending", "c": 1764028800000,
                       "n": "my-model"}).encode()
    signature = hmac.new(TOKEN_SECRET, payload, hashlib.sha256).digest()
    write(t, "token_valid", b"\x00" + (b64url(payload) + "." + b64url(signature)).encode())
    write(t, "token_garbage", b"\x00" + b"eyJhIjoiMSJ9.AAAA")
    write(t, "payload_valid", b"\x01" + payload)
    write(t, "payload_float_time", b"\x01" + payload.replace(b"1764028800000", b"1.5e3"))
    write(t, "cursor", b"\x02" + (1764028800000).to_bytes(8, "little") + b"my-model")


# ---------------------------------------------------------------------------------------------------------------
# Dictionaries

def write_dictionary(target, words):
    os.makedirs(os.path.join(HERE, "dicts"), exist_ok=True)
    with open(os.path.join(HERE, "dicts", target + ".dict"), "w") as f:
        f.write("# Generated by fuzz/make_corpus.py.\n")
        for word in sorted(set(words)):
            escaped = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "\\x%02x" % ord(c) for c in word)
            f.write('"%s"\n' % escaped)


def dictionaries():
    with open(os.path.join(ROOT, "schemas", "sagemaker.json")) as f:
        schema = json.load(f)
    members = ['"%s":' % m for shape in schema["shapes"].values() for m in shape.get("members") or {}]
    enums = ['"%s"' % e for shape in schema["shapes"].values() for e in shape.get("enum", [])
             if not e.startswith("ml.")]  # not the hundreds of instance types
    json_words = ["null", "true", "false", "{}", "[]", "1e400", "-0", "0.5", "2147483648", "9223372036854775808",
                  '"\\u0000"', '"\\ud800"', '"2024-01-02T03:04:05.678Z"', '"arn:aws:sagemaker:us-east-1:"']
    write_dictionary("fuzz_schema", members + enums + json_words)
    http_words = ["POST / HTTP/1.1\r\n", "\r\n\r\n", "Content-Length: ", "Transfer-Encoding: chunked\r\n",
                  "X-Amz-Target: SageMaker.", "X-Amz-Date: 20261125T120000Z\r\n", "Expect: 100-continue\r\n",
                  "Authorization: AWS4-HMAC-SHA256 Credential=", "/20261125/us-east-1/sagemaker/aws4_request",
                  ", SignedHeaders=host, Signature=00", "111122223333", "NextToken", "aws:"]
    write_dictionary("fuzz_pipeline", members + json_words + http_words + list(schema["operations"]))


def main():
    for target in ("fuzz_pipeline", "fuzz_schema", "fuzz_sigv4", "fuzz_page_token"):
        shutil.rmtree(os.path.join(HERE, "corpus", target), ignore_errors=True)
    pipeline_seeds()
    schema_seeds()
    sigv4_seeds()
    page_token_seeds()
    dictionaries()


if __name__ == "__main__":
    main()
