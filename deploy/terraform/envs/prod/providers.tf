provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = "eduplatform"
      environment = "prod"
      managed-by  = "terraform"
    }
  }
}
