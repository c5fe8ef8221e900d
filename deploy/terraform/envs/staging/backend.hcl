# terraform init -backend-config=backend.hcl (names only: credentials come from the caller's
# AWS profile or CI's OIDC role, never from this file).
bucket = "eduplatform-terraform-state"
region = "eu-west-1"
