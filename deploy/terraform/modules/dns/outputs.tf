output "certificate_arn" {
  value = aws_acm_certificate_validation.edge.certificate_arn
}

output "private_zone_name" {
  value = aws_route53_zone.private.name
}
