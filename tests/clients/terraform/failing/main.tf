# An endpoint whose create a lifecycle rule makes fail: the apply must fail and report the rule's reason, as it
# reports SageMaker's FailureReason. The suite adds ../main/provider.tf beside this file.

resource "aws_sagemaker_model" "doomed" {
  name               = "doomed-model"
  execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker"
  primary_container {
    image = "382416733822.dkr.ecr.us-east-1.amazonaws.com/kmeans:1"
  }
}

resource "aws_sagemaker_endpoint_configuration" "doomed" {
  name = "doomed-config"
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.doomed.name
    initial_instance_count = 1
    instance_type          = "ml.t2.medium"
  }
}

resource "aws_sagemaker_endpoint" "doomed" {
  name                 = "doomed"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.doomed.name
}
