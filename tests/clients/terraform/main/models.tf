# Every argument of aws_sagemaker_model, literal values only (the suite compares each with what sagebox stored).

# The seed's example.
resource "aws_sagemaker_model" "basic" {
  name               = "my-model"
  execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker"
  primary_container {
    image = "382416733822.dkr.ecr.us-east-1.amazonaws.com/kmeans:1"
  }
}

# No name: the provider generates "terraform-" and 26 characters.
resource "aws_sagemaker_model" "generated_name" {
  execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker"
  primary_container {
    image = "382416733822.dkr.ecr.us-east-1.amazonaws.com/kmeans:1"
  }
}

# Single-model primary container with every container argument, a VPC and network isolation; tags.
resource "aws_sagemaker_model" "single_model" {
  name                     = "single-model"
  execution_role_arn       = "arn:aws:iam::123456789012:role/sagemaker"
  enable_network_isolation = true
  primary_container {
    image              = "123456789012.dkr.ecr.us-east-1.amazonaws.com/private/xgboost:1.7-1"
    container_hostname = "primary"
    mode               = "SingleModel"
    model_data_url     = "s3://sagebox-models/xgboost/model.tar.gz"
    environment = {
      SAGEMAKER_PROGRAM = "inference.py"
      LOG_LEVEL         = "debug"
    }
    image_config {
      repository_access_mode = "Vpc"
      repository_auth_config {
        repository_credentials_provider_arn = "arn:aws:lambda:us-east-1:123456789012:function:registry-credentials"
      }
    }
  }
  vpc_config {
    subnets            = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
  tags = var.phase == 1 ? {
    team  = "ml"
    stage = "test"
    } : {
    team  = "ml-platform"
    owner = "sagebox"
  }
}

# Multi-model mode with its cache setting.
resource "aws_sagemaker_model" "multi_model" {
  name               = "multi-model"
  execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker"
  primary_container {
    image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/mxnet-inference:1.8.0-cpu-py37"
    mode           = "MultiModel"
    model_data_url = "s3://sagebox-models/multi/"
    multi_model_config {
      model_cache_setting = "Disabled"
    }
  }
}

# Uncompressed model data from an S3 prefix, with an accepted EULA.
resource "aws_sagemaker_model" "model_data_source" {
  name               = "model-data-source"
  execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker"
  primary_container {
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1-tgi1.4-gpu-py310-cu121-ubuntu22.04"
    model_data_source {
      s3_data_source {
        s3_uri           = "s3://sagebox-models/llama/"
        s3_data_type     = "S3Prefix"
        compression_type = "None"
        model_access_config {
          accept_eula = true
        }
      }
    }
  }
}

# Several containers invoked directly, one of them from a model package.
resource "aws_sagemaker_model" "containers" {
  name               = "containers"
  execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker"
  inference_execution_config {
    mode = "Direct"
  }
  container {
    image              = "382416733822.dkr.ecr.us-east-1.amazonaws.com/kmeans:1"
    container_hostname = "kmeans"
    environment = {
      K = "10"
    }
  }
  container {
    image              = "123456789012.dkr.ecr.us-east-1.amazonaws.com/private/xgboost:1.7-1"
    container_hostname = "xgboost"
    model_data_url     = "s3://sagebox-models/xgboost/model.tar.gz"
    image_config {
      repository_access_mode = "Platform"
    }
  }
  container {
    container_hostname           = "packaged"
    model_package_name           = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3"
    inference_specification_name = "cpu-spec"
  }
}
