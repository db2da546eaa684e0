"""ARNs carry the partition of the caller's region: arn:aws-cn: in cn-north-1, arn:aws-us-gov: in us-gov-west-1.

Every place an ARN appears is checked: Create's answer, Describe's echo, List's summaries, the not-found and
already-exists messages, and the ARN that tags are found by.
"""
import unittest

from sagebox_harness import (SageboxTestCase, endpoint_config_arn, model_arn, model_input,
                             serverless_endpoint_config_input)

CHINA = "cn-north-1"


def china_model_arn(name):
    return model_arn(name, region=CHINA, partition="aws-cn")


def china_config_arn(name):
    return endpoint_config_arn(name, region=CHINA, partition="aws-cn")


class ChinaTest(SageboxTestCase):
    def setUp(self):
        super().setUp()
        self.china = self.server.client(region=CHINA)
        self.addCleanup(self.china.close)

    def create(self):
        """A model "M" and an endpoint configuration "Cfg" in cn-north-1; returns their ARNs."""
        model = self.china.ok("CreateModel", model_input("M"))["ModelArn"]
        config = self.china.ok("CreateEndpointConfig",
                               serverless_endpoint_config_input("Cfg", "M"))["EndpointConfigArn"]
        return model, config

    def test_create_describe_and_list_give_the_aws_cn_arn(self):
        model, config = self.create()
        self.assertEqual(model, "arn:aws-cn:sagemaker:cn-north-1:123456789012:model/m")
        self.assertEqual(config, "arn:aws-cn:sagemaker:cn-north-1:123456789012:endpoint-config/cfg")
        self.assertEqual(self.china.ok("DescribeModel", {"ModelName": "M"})["ModelArn"], model)
        self.assertEqual(self.china.ok("DescribeEndpointConfig", {"EndpointConfigName": "cfg"})["EndpointConfigArn"],
                         config)
        self.assertEqual([m["ModelArn"] for m in self.china.ok("ListModels")["Models"]], [model])
        self.assertEqual([c["EndpointConfigArn"] for c in self.china.ok("ListEndpointConfigs")["EndpointConfigs"]],
                         [config])

    def test_messages_name_the_aws_cn_arn(self):
        self.create()
        for operation, params, message in (
                ("DescribeModel", {"ModelName": "Nope"},
                 'Could not find model "%s".' % china_model_arn("nope")),
                ("DeleteModel", {"ModelName": "nope"},
                 'Could not find model "%s".' % china_model_arn("nope")),
                ("DescribeEndpointConfig", {"EndpointConfigName": "nope"},
                 'Could not find endpoint configuration "%s".' % china_config_arn("nope")),
                ("CreateEndpointConfig", serverless_endpoint_config_input("other", "missing"),
                 'Could not find model "%s".' % china_model_arn("missing")),
                ("CreateModel", model_input("m"),
                 'Cannot create already existing model "%s".' % china_model_arn("m")),
                ("CreateEndpointConfig", serverless_endpoint_config_input("CFG", "M"),
                 'Cannot create already existing endpoint configuration "%s".' % china_config_arn("cfg"))):
            with self.subTest(operation=operation, params=params):
                self.assertError(self.china.call(operation, params), 400, "ValidationException", message)

    def test_tags_are_found_by_the_aws_cn_arn_only(self):
        model, config = self.create()
        for arn in (model, config):
            self.assertEqual(self.china.ok("AddTags", {"ResourceArn": arn, "Tags": [{"Key": "k", "Value": "v"}]}),
                             {"Tags": [{"Key": "k", "Value": "v"}]})
            self.assertEqual(self.china.ok("ListTags", {"ResourceArn": arn})["Tags"], [{"Key": "k", "Value": "v"}])

            # The same region, account, type and name under the aws partition is no resource of this caller's.
            wrong = arn.replace("arn:aws-cn:", "arn:aws:")
            for operation, params in (("ListTags", {}), ("AddTags", {"Tags": [{"Key": "x", "Value": "y"}]}),
                                      ("DeleteTags", {"TagKeys": ["k"]})):
                with self.subTest(arn=wrong, operation=operation):
                    self.assertError(self.china.call(operation, dict(params, ResourceArn=wrong)), 400,
                                     "ValidationException", "Resource does not exist")
            self.assertEqual(self.china.ok("ListTags", {"ResourceArn": arn})["Tags"], [{"Key": "k", "Value": "v"}])

            self.assertEqual(self.china.ok("DeleteTags", {"ResourceArn": arn, "TagKeys": ["k"]}), {})
            self.assertEqual(self.china.ok("ListTags", {"ResourceArn": arn})["Tags"], [])

    def test_other_regions_keep_their_partition(self):
        model, _ = self.create()
        # us-east-1 (the default client's region) stays aws, and cannot reach the cn-north-1 model by its ARN.
        self.assertEqual(self.client.ok("CreateModel", model_input("M"))["ModelArn"], model_arn("m"))
        self.assertError(self.client.call("ListTags", {"ResourceArn": model}), 400, "ValidationException",
                         "Resource does not exist")

        gov = self.server.client(region="us-gov-west-1")
        self.addCleanup(gov.close)
        gov_arn = gov.ok("CreateModel", model_input("M"))["ModelArn"]
        self.assertEqual(gov_arn, "arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:model/m")
        self.assertEqual(gov.ok("DescribeModel", {"ModelName": "m"})["ModelArn"], gov_arn)
        self.assertEqual(gov.ok("ListTags", {"ResourceArn": gov_arn})["Tags"], [])
        self.assertError(gov.call("DescribeModel", {"ModelName": "nope"}), 400, "ValidationException",
                         'Could not find model "arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:model/nope".')


if __name__ == "__main__":
    unittest.main()
