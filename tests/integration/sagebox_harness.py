"""Starts the real sagebox binary on a free port and talks to it over HTTP with SigV4-signed requests.

The binary is $SAGEBOX_BINARY (ctest sets it) or build/test/sagebox. Requests are signed with botocore's own
signer, so what sagebox sees is what the AWS SDKs send.
"""
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("SAGEBOX_BINARY", os.path.join(ROOT, "build", "test", "sagebox"))
DEFAULT_ACCOUNT = "123456789012"


class Sagebox:
    """One sagebox process. `args` are extra command-line flags (e.g. ["--db", path])."""

    def __init__(self, *args):
        self.args = list(args)
        self.process = None
        self.port = None

    def start(self):
        # The log goes to a file, not a pipe: an unread pipe that fills up would block the server.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [BINARY, "--port", "0", *self.args], stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("sagebox listening on http://"):
            self.process.kill()
            self.process.wait()
            self.log.seek(0)
            raise RuntimeError("sagebox did not start: %r %s" % (line, self.log.read()))
        self.port = int(line.strip().rsplit(":", 1)[1])
        return self

    def stop(self, sig=signal.SIGTERM, timeout=45):
        """Stops the process with `sig` and returns its exit code. The timeout outlasts sagebox's 10 s grace with
        room to spare: a sanitizer build closing hundreds of connections on a loaded machine once needed over 20 s."""
        if self.process is None:
            return None
        self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.process.stdout.close()
            self.log.close()
            self.process = None
        return code

    def kill(self):
        return self.stop(signal.SIGKILL)

    def client(self, **kwargs):
        return Client(self.port, **kwargs)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def error(self):
        """(code, message) of an error body, whichever case its message key has."""
        return self.json["__type"], self.json.get("message", self.json.get("Message"))

    def __repr__(self):
        return "Response(%d, %s)" % (self.status, self.raw[:500])


class Client:
    """Sends SageMaker operations to one sagebox, signed like an SDK would sign them."""

    def __init__(self, port, access_key="AKIAIOSFODNN7EXAMPLE", region="us-east-1", sign=True, secret="secret",
                 token=None, signing_time=None, reconnect=True):
        self.port = port
        self.access_key = access_key
        self.region = region
        self.sign = sign
        self.secret = secret
        self.token = token
        self.signing_time = signing_time  # a naive UTC datetime to sign as of, instead of now
        self.reconnect = reconnect  # False: a connection the server drops is the caller's to see
        self.connection = None

    def _connection(self):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return self.connection

    def request(self, method, path, body=b"", headers=None):
        headers = dict(headers or {})
        for attempt in range(2):
            connection = self._connection()
            try:
                connection.request(method, path, body=body, headers=headers)
                reply = connection.getresponse()
                data = reply.read().decode("utf-8")
                return Response(reply.status, {k.lower(): v for k, v in reply.getheaders()}, data)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed a kept-alive connection; one fresh try, as SDKs do.
                self.connection.close()
                self.connection = None
                if attempt == 1 or not self.reconnect:
                    raise

    def call(self, operation, params=None, raw_body=None, target=None, extra_headers=None):
        body = raw_body if raw_body is not None else json.dumps(params if params is not None else {})
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = {"Content-Type": "application/x-amz-json-1.1"}
        if target is not False:
            headers["X-Amz-Target"] = target or "SageMaker." + operation
        headers.update(extra_headers or {})
        if self.sign:
            aws = AWSRequest(method="POST", url="http://127.0.0.1:%d/" % self.port, data=body, headers=headers)
            signer = SigV4Auth(Credentials(self.access_key, self.secret, self.token), "sagemaker", self.region)
            if self.signing_time is None:
                signer.add_auth(aws)
            else:
                with mock.patch("botocore.auth.get_current_datetime", return_value=self.signing_time):
                    signer.add_auth(aws)
            headers = dict(aws.headers.items())
        return self.request("POST", "/", body, headers)

    def ok(self, operation, params=None):
        """Calls and insists on success; returns the output document."""
        response = self.call(operation, params)
        if response.status != 200:
            raise AssertionError("%s failed: %r" % (operation, response))
        return response.json

    def names(self, operation, result_key, name_key, params=None):
        """Every name a List operation returns, following NextToken to the end."""
        params = dict(params or {}, MaxResults=100)
        names = []
        while True:
            page = self.ok(operation, params)
            names += [item[name_key] for item in page[result_key]]
            if "NextToken" not in page:
                return names
            params["NextToken"] = page["NextToken"]

    def reset(self, headers=None):
        return self.request("POST", "/_sagebox/reset", headers=headers)

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def model_input(name):
    return {
        "ModelName": name,
        "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest"},
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker-role",
    }


def full_container(image):
    """A ContainerDefinition with every member, in the model's member order."""
    s3_source = {
        "S3Uri": "s3://bucket/model/", "S3DataType": "S3Prefix", "CompressionType": "None",
        "ModelAccessConfig": {"AcceptEula": True},
        "HubAccessConfig": {"HubContentArn": "arn:aws:sagemaker:us-east-1:aws:hub-content/x"},
        "ManifestS3Uri": "s3://bucket/manifest.json", "ETag": "etag-1", "ManifestEtag": "etag-2",
    }
    return {
        "ContainerHostname": "host-1",
        "Image": image,
        "ImageConfig": {"RepositoryAccessMode": "Vpc",
                        "RepositoryAuthConfig": {"RepositoryCredentialsProviderArn": "arn:aws:lambda:f"}},
        "Mode": "MultiModel",
        "ModelDataUrl": "s3://bucket/model.tar.gz",
        "ModelDataSource": {"S3DataSource": s3_source},
        "AdditionalModelDataSources": [{"ChannelName": "extra", "S3DataSource": dict(s3_source)}],
        "Environment": {"B_VAR": "2", "A_VAR": "one two", "EMPTY": ""},
        "ModelPackageName": "my-package",
        "InferenceSpecificationName": "spec-1",
        "MultiModelConfig": {"ModelCacheSetting": "Disabled"},
        "ContainerMetricsConfig": {"MetricsEndpoints": [{"MetricsEndpointPath": "/metrics",
                                                         "MetricPublishFrequencyInSeconds": 60}]},
    }


def full_model_input(name):
    """A CreateModel input with every member of the model's CreateModelInput, in model order."""
    return {
        "ModelName": name,
        "PrimaryContainer": full_container("123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1"),
        "Containers": [full_container("img-b"), {"Image": "img-c"}],
        "InferenceExecutionConfig": {"Mode": "Direct"},
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker-role",
        "Tags": [{"Key": "Name", "Value": "model"}],
        "VpcConfig": {"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]},
        "EnableNetworkIsolation": True,
    }


def full_endpoint_config_input(name, model):
    """A CreateEndpointConfig input with every member of the model's CreateEndpointConfigInput."""
    variant = {
        "VariantName": "variant-1",
        "ModelName": model,
        "InitialInstanceCount": 2,
        "InstanceType": "ml.m5.large",
        "InstancePools": [{"InstanceType": "ml.m5.xlarge", "ModelNameOverride": model, "Priority": 1}],
        "VariantInstanceProvisionTimeoutInSeconds": 600,
        "InitialVariantWeight": 0.5,
        "AcceleratorType": "ml.eia1.medium",
        "CoreDumpConfig": {"DestinationS3Uri": "s3://bucket/core", "KmsKeyId": ""},
        "VolumeSizeInGB": 30,
        "ModelDataDownloadTimeoutInSeconds": 600,
        "ContainerStartupHealthCheckTimeoutInSeconds": 600,
        "EnableSSMAccess": False,
        "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
        "InferenceAmiVersion": "al2-ami-sagemaker-inference-gpu-2",
        "CapacityReservationConfig": {
            "CapacityReservationPreference": "capacity-reservations-only",
            "MlReservationArn": "arn:aws:sagemaker:us-east-1:123456789012:reservation/r-1",
        },
    }
    shadow = {"VariantName": "shadow-1", "ModelName": model, "InitialInstanceCount": 1,
              "InstanceType": "ml.t2.medium"}
    return {
        "EndpointConfigName": name,
        "ProductionVariants": [variant],
        "DataCaptureConfig": {
            "EnableCapture": True,
            "InitialSamplingPercentage": 50,
            "DestinationS3Uri": "s3://bucket/capture",
            "KmsKeyId": "alias/capture",
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
            "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"], "JsonContentTypes": ["application/json"]},
        },
        "Tags": [{"Key": "Name", "Value": "foo"}, {"Key": "team", "Value": "ml"}],
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/abcd",
        "AsyncInferenceConfig": {
            "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4},
            "OutputConfig": {
                "KmsKeyId": "key",
                "S3OutputPath": "s3://bucket/out",
                "NotificationConfig": {},
                "S3FailurePath": "s3://bucket/fail",
            },
        },
        "ExplainerConfig": {
            "ClarifyExplainerConfig": {
                "EnableExplanations": "`true`",
                "InferenceConfig": {"FeaturesAttribute": "features", "MaxRecordCount": 10, "LabelHeaders": ["a"]},
                "ShapConfig": {
                    "ShapBaselineConfig": {"MimeType": "text/csv", "ShapBaseline": "1,2,3"},
                    "NumberOfSamples": 100, "UseLogit": False, "Seed": 7,
                    "TextConfig": {"Language": "en", "Granularity": "token"},
                },
            }
        },
        "ShadowProductionVariants": [shadow],
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker-role",
        "VpcConfig": {"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1", "subnet-2"]},
        "EnableNetworkIsolation": True,
        "MetricsConfig": {"EnableEnhancedMetrics": True, "EnableDetailedObservability": False,
                          "MetricPublishFrequencyInSeconds": 60},
    }


def serverless_endpoint_config_input(name, model):
    return {
        "EndpointConfigName": name,
        "ProductionVariants": [{
            "VariantName": "serverless",
            "ModelName": model,
            "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 20, "ProvisionedConcurrency": 5},
        }],
    }


def inference_component_endpoint_config_input(name):
    """A variant without a model (an inference-component endpoint): no default weight is added to it."""
    return {
        "EndpointConfigName": name,
        "ProductionVariants": [{
            "VariantName": "ic",
            "InitialInstanceCount": 1,
            "InstanceType": "ml.g5.xlarge",
            "ManagedInstanceScaling": {
                "Status": "ENABLED", "MinInstanceCount": 0, "MaxInstanceCount": 4,
                "ScaleInPolicy": {"Strategy": "IDLE_RELEASE", "MaximumStepSize": 2, "CooldownInMinutes": 10},
            },
            "RoutingConfig": {"RoutingStrategy": "RANDOM"},
        }],
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker-role",
    }


def resource_arn(resource_type, name, region="us-east-1", account=DEFAULT_ACCOUNT, partition="aws"):
    """The ARN sagebox gives the resource `name` of `resource_type` ("model", "endpoint-config", "endpoint");
    `partition` must be `region`'s (aws-cn for cn-north-1, ...)."""
    return "arn:%s:sagemaker:%s:%s:%s/%s" % (partition, region, account, resource_type, name.lower())


def endpoint_config_arn(name, *where, **named):
    return resource_arn("endpoint-config", name, *where, **named)


def model_arn(name, *where, **named):
    return resource_arn("model", name, *where, **named)


def endpoint_arn(name, *where, **named):
    return resource_arn("endpoint", name, *where, **named)


class StoredSageboxTestCase(unittest.TestCase):
    """Each test gets a fresh directory for a database file, `self.db`; start() runs sagebox on it, restart()
    stops it gracefully and runs it again on the same file."""

    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="sagebox-test-")
        self.db = os.path.join(self.directory, "state.db")
        self.server = None

    def tearDown(self):
        if self.server is not None:
            self.server.kill()
        shutil.rmtree(self.directory, ignore_errors=True)

    def start(self, *flags):
        self.server = Sagebox("--db", self.db, *flags).start()
        return self.server.client()

    def restart(self, client, *flags):
        client.close()
        self.assertEqual(self.server.stop(), 0)
        return self.start(*flags)


class SageboxTestCase(unittest.TestCase):
    """One in-memory sagebox for the class, started with the class's `flags`, reset before each test."""

    flags = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Sagebox(*cls.flags).start()

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        assert code == 0, "sagebox exited with %r" % code

    def setUp(self):
        self.client = self.server.client()
        self.assertEqual(self.client.reset().status, 200)

    def tearDown(self):
        self.client.close()

    def assertError(self, response, status, code, message=None):
        self.assertEqual(response.status, status, response)
        self.assertEqual(response.error()[0], code, response)
        if message is not None:
            self.assertEqual(response.error()[1], message)


class StrictSageboxTestCase(unittest.TestCase):
    """One in-memory sagebox for the class in strict mode, verifying signatures against the class's `credentials`
    (the text of a credentials file), with the admin token "t0ken"."""

    credentials = ""

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="sagebox-strict-")
        path = os.path.join(cls.directory, "credentials")
        with open(path, "w") as f:
            f.write(cls.credentials)
        cls.server = Sagebox("--auth", "strict", "--credentials", path, "--admin-token", "t0ken").start()

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0
        shutil.rmtree(cls.directory, ignore_errors=True)
