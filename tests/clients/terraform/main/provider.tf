# The provider pointed at sagebox. The suite pins `version` to the provider it found and sets `endpoint`.
variable "endpoint" {
  type = string
}

variable "phase" {
  description = "1 for the first apply; 2 for the apply that adds, changes and removes tags and moves an endpoint to another configuration."
  type        = number
  default     = 1
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
    sagemaker = var.endpoint
  }
}
