# The seed example against sagebox: a model and an endpoint configuration that serves it.
#   scripts/run            (or: docker compose -f examples/docker-compose.yml up -d sagebox)
#   terraform init && terraform apply
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "sagebox_endpoint" {
  description = "Where sagebox listens."
  type        = string
  default     = "http://127.0.0.1:8080"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    sagemaker = var.sagebox_endpoint
  }
}

resource "aws_sagemaker_model" "m" {
  name               = "my-model"
  execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker"
  primary_container {
    image = "382416733822.dkr.ecr.us-east-1.amazonaws.com/kmeans:1"
  }
}

resource "aws_sagemaker_endpoint_configuration" "ec" {
  name = "my-endpoint-config"
  production_variants {
    variant_name           = "variant-1"
    model_name             = aws_sagemaker_model.m.name
    initial_instance_count = 1
    instance_type          = "ml.t2.medium"
  }
  tags = {
    Name = "foo"
  }
}

output "endpoint_config_arn" {
  value = aws_sagemaker_endpoint_configuration.ec.arn
}
