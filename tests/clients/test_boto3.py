"""boto3, unchanged, against sagebox: client calls, paginators, and errors as botocore raises them."""
import importlib.util
import re
import unittest

import client_support

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class Boto3Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import boto3
        from botocore.config import Config
        from sagebox_harness import Sagebox
        cls.server = Sagebox().start()
        cls.sagemaker = boto3.session.Session().client(
            "sagemaker", endpoint_url="http://127.0.0.1:%d" % cls.server.port, region_name="us-east-1",
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="secret",
            config=Config(retries={"max_attempts": 1}))

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0

    def setUp(self):
        client = self.server.client()
        client.reset()
        client.close()

    def create_model(self, name="m"):
        from sagebox_harness import model_input
        return self.sagemaker.create_model(**model_input(name))["ModelArn"]

    def input_for(self, operation, value):
        model = self.sagemaker.meta.service_model.operation_model(operation)
        return client_support.prune_to_client_model(model.input_shape, value)

    def test_full_round_trip(self):
        from sagebox_harness import full_endpoint_config_input, full_model_input
        model = self.input_for("CreateModel", full_model_input("full-model"))
        self.sagemaker.create_model(**model)
        described = self.sagemaker.describe_model(ModelName="full-model")
        self.assertEqual(described["PrimaryContainer"], model["PrimaryContainer"])
        self.assertEqual(described["Containers"], model["Containers"])
        config = self.input_for("CreateEndpointConfig", full_endpoint_config_input("full", "full-model"))
        arn = self.sagemaker.create_endpoint_config(**config)["EndpointConfigArn"]
        described = self.sagemaker.describe_endpoint_config(EndpointConfigName="full")
        self.assertEqual(described["EndpointConfigArn"], arn)
        self.assertRegex(described["ResponseMetadata"]["RequestId"], UUID)
        # botocore turns the epoch number into an aware datetime.
        self.assertIsNotNone(described["CreationTime"].tzinfo)
        for key in ("DataCaptureConfig", "AsyncInferenceConfig", "ExplainerConfig", "VpcConfig", "MetricsConfig",
                    "KmsKeyId", "ExecutionRoleArn", "EnableNetworkIsolation"):
            self.assertEqual(described[key], config[key], key)
        self.assertEqual(described["ShadowProductionVariants"],
                         [dict(config["ShadowProductionVariants"][0], InitialVariantWeight=1.0)])

    def test_paginators(self):
        self.create_model("m")
        for i in range(1, 13):
            self.create_model("m%02d" % i)
            self.sagemaker.create_endpoint_config(EndpointConfigName="c%02d" % i, ProductionVariants=[{
                "VariantName": "v", "ModelName": "m",
                "ServerlessConfig": {"MemorySizeInMB": 1024, "MaxConcurrency": 1}}])
        pages = list(self.sagemaker.get_paginator("list_endpoint_configs").paginate(
            PaginationConfig={"PageSize": 5}))
        self.assertEqual(len(pages), 3)
        names = [c["EndpointConfigName"] for page in pages for c in page["EndpointConfigs"]]
        self.assertEqual(sorted(names), ["c%02d" % i for i in range(1, 13)])
        models = self.sagemaker.get_paginator("list_models").paginate(
            SortBy="Name", SortOrder="Ascending", PaginationConfig={"PageSize": 4}).build_full_result()
        self.assertEqual([m["ModelName"] for m in models["Models"]], ["m"] + ["m%02d" % i for i in range(1, 13)])
        arn = self.sagemaker.describe_model(ModelName="m")["ModelArn"]
        self.sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(5)])
        tags = self.sagemaker.get_paginator("list_tags").paginate(ResourceArn=arn).build_full_result()
        self.assertEqual([t["Key"] for t in tags["Tags"]], ["k%d" % i for i in range(5)])

    def test_tags(self):
        arn = self.create_model()
        self.sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        self.sagemaker.delete_tags(ResourceArn=arn, TagKeys=["a"])
        self.assertEqual(self.sagemaker.list_tags(ResourceArn=arn)["Tags"], [{"Key": "b", "Value": "2"}])

    def test_errors_as_botocore_raises_them(self):
        from botocore.exceptions import ClientError
        self.create_model("m")
        cases = [
            (lambda: self.sagemaker.describe_endpoint_config(EndpointConfigName="Missing"), "ValidationException",
             'Could not find endpoint configuration "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/missing".'),
            (lambda: self.sagemaker.create_model(ModelName="M"), "ValidationException",
             'Cannot create already existing model "arn:aws:sagemaker:us-east-1:123456789012:model/m".'),
            (lambda: self.sagemaker.delete_model(ModelName="x" * 63 + "_"), "ValidationException",
             "2 validation errors detected: Value '%s' at 'modelName' failed to satisfy constraint: Member must have "
             "length less than or equal to 63; Value '%s' at 'modelName' failed to satisfy constraint: Member must "
             "satisfy regular expression pattern: ^[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?" % ("x" * 63 + "_", "x" * 63 + "_")),
        ]
        for call, code, message in cases:
            with self.assertRaises(ClientError) as raised:
                call()
            error = raised.exception.response
            self.assertEqual(error["Error"]["Code"], code)
            self.assertEqual(error["Error"]["Message"], message)
            self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 400)
            self.assertRegex(error["ResponseMetadata"]["RequestId"], UUID)
        arn = self.sagemaker.describe_model(ModelName="m")["ModelArn"]
        self.sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(49)])
        # Modeled SageMaker exceptions carry `Message`; botocore maps the code to its exception class.
        with self.assertRaises(self.sagemaker.exceptions.ResourceLimitExceeded) as raised:
            self.sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "x", "Value": "1"}, {"Key": "y", "Value": "2"}])
        self.assertIn("50", raised.exception.response["Error"]["Message"])


if __name__ == "__main__":
    client_support.require(importlib.util.find_spec("boto3") is not None, "boto3 tests",
                           "install boto3 (Debian: python3-boto3): scripts/setup")
    unittest.main()
