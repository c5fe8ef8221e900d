provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = "eduplatform"
      environment = "staging"
      managed-by  = "terraform"
    }
  }
}
