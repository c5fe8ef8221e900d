output "cluster_name" {
  value = module.cluster.cluster_name
}

output "video_bucket" {
  value = module.video_storage.bucket_name
}

output "certificate_arn" {
  value = module.dns.certificate_arn
}
