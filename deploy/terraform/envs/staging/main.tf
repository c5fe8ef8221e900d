# The staging environment: its network, cluster, video bucket and names
# (deploy/k8s/overlays/staging is applied to this cluster).
locals {
  name = "eduplatform-staging"
  images = [
    "identity", "course", "enrollment", "notifications", "analytics-api", "web",
    "api-gateway", "event-ingestion", "email-sender", "analytics-aggregator", "chaos",
  ]
}

module "network" {
  source     = "../../modules/network"
  name       = local.name
  cidr_block = "10.20.0.0/16"
}

module "cluster" {
  source              = "../../modules/cluster"
  name                = local.name
  kubernetes_version  = "1.32"
  subnet_ids          = module.network.private_subnet_ids
  public_api_cidrs    = var.public_api_cidrs
  node_instance_types = ["m6i.large"]
  node_min            = 3
  node_max            = 6
  image_repositories  = []
}

module "video_storage" {
  source          = "../../modules/video_storage"
  bucket_name     = "${local.name}-videos"
  allowed_origins = ["https://app.staging.${var.domain}"]
}

module "dns" {
  source           = "../../modules/dns"
  domain           = var.domain
  subdomain        = "staging"
  environment      = "staging"
  vpc_id           = module.network.vpc_id
  ingress_hostname = var.ingress_hostname
  internal_cnames  = {}
}
