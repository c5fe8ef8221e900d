terraform {
  required_version = ">= 1.6, < 2.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }

  # State in the shared state bucket, one key per environment; the bucket and lock table
  # are named in backend.hcl (terraform init -backend-config=backend.hcl), made once by hand.
  backend "s3" {
    key          = "eduplatform/dev/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
