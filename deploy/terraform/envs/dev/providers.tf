provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = "eduplatform"
      environment = "dev"
      managed-by  = "terraform"
    }
  }
}
