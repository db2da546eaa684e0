# Configurations that break SageMaker's constraints: each apply must fail with sagebox's exact message, and
# nothing may be left behind. No model resources: the constraints are checked before any lookup, so the variants
# name a model that does not exist. The suite adds ../main/provider.tf beside this file.

resource "aws_sagemaker_endpoint_configuration" "underscore_in_variant_name" {
  name = "underscore-in-variant-name"
  production_variants {
    variant_name           = "variant_1"
    model_name             = "no-such-model"
    initial_instance_count = 1
    instance_type          = "ml.t2.medium"
  }
}

resource "aws_sagemaker_endpoint_configuration" "managed_scaling_with_model" {
  name = "managed-scaling-with-model"
  production_variants {
    variant_name           = "variant-1"
    model_name             = "no-such-model"
    initial_instance_count = 1
    instance_type          = "ml.t2.medium"
    managed_instance_scaling {
      status             = "ENABLED"
      min_instance_count = 1
      max_instance_count = 4
    }
  }
}

resource "aws_sagemaker_model" "underscore_in_subnet" {
  name               = "underscore-in-subnet"
  execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker"
  primary_container {
    image = "382416733822.dkr.ecr.us-east-1.amazonaws.com/kmeans:1"
  }
  vpc_config {
    subnets            = ["subnet_0123456789"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}
