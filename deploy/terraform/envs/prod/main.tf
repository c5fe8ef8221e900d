# The prod environment: its network, cluster, video bucket and names, and the managed PostgreSQL
# (deploy/k8s/overlays/prod is applied to this cluster).
locals {
  name = "eduplatform-prod"
  images = [
    "identity", "course", "enrollment", "notifications", "analytics-api", "web",
    "api-gateway", "event-ingestion", "email-sender", "analytics-aggregator", "chaos",
  ]
}

module "network" {
  source     = "../../modules/network"
  name       = local.name
  cidr_block = "10.30.0.0/16"
}

module "cluster" {
  source              = "../../modules/cluster"
  name                = local.name
  kubernetes_version  = "1.32"
  subnet_ids          = module.network.private_subnet_ids
  public_api_cidrs    = var.public_api_cidrs
  node_instance_types = ["m6i.xlarge"]
  node_min            = 3
  node_max            = 12
  image_repositories  = local.images
}

module "postgres" {
  source                   = "../../modules/postgres"
  name                     = local.name
  vpc_id                   = module.network.vpc_id
  subnet_ids               = module.network.private_subnet_ids
  client_security_group_id = module.cluster.cluster_security_group_id
  instance_class           = "db.m6g.large"
  storage_gb               = 100
  multi_az                 = true
  backup_retention_days    = 14
}

module "video_storage" {
  source          = "../../modules/video_storage"
  bucket_name     = "${local.name}-videos"
  allowed_origins = ["https://app.${var.domain}"]
}

module "dns" {
  source           = "../../modules/dns"
  domain           = var.domain
  subdomain        = ""
  environment      = "prod"
  vpc_id           = module.network.vpc_id
  ingress_hostname = var.ingress_hostname
  internal_cnames  = { postgres = module.postgres.address }
}
