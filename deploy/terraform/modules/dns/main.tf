# Public names (app.<domain>, api.<domain>) pointing at the ingress load balancer, the
# certificate for them (ACM, DNS-validated), and a private zone for in-VPC names such as the
# managed PostgreSQL's (postgres.<env>.internal.<domain>, deploy/k8s/overlays/prod).
data "aws_route53_zone" "public" {
  name = var.domain
}

resource "aws_route53_record" "app" {
  for_each = toset(["app", "api"])
  zone_id  = data.aws_route53_zone.public.zone_id
  name     = "${each.value}.${var.subdomain == "" ? var.domain : "${var.subdomain}.${var.domain}"}"
  type     = "CNAME"
  ttl      = 300
  records  = [var.ingress_hostname]
}

resource "aws_acm_certificate" "edge" {
  domain_name               = "app.${var.subdomain == "" ? var.domain : "${var.subdomain}.${var.domain}"}"
  subject_alternative_names = ["api.${var.subdomain == "" ? var.domain : "${var.subdomain}.${var.domain}"}"]
  validation_method         = "DNS"
  tags                      = var.tags
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  for_each = {
    for option in aws_acm_certificate.edge.domain_validation_options : option.domain_name => option
  }
  zone_id = data.aws_route53_zone.public.zone_id
  name    = each.value.resource_record_name
  type    = each.value.resource_record_type
  ttl     = 60
  records = [each.value.resource_record_value]
}

resource "aws_acm_certificate_validation" "edge" {
  certificate_arn         = aws_acm_certificate.edge.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
}

resource "aws_route53_zone" "private" {
  name = "${var.environment}.internal.${var.domain}"
  vpc {
    vpc_id = var.vpc_id
  }
  tags = var.tags
}

resource "aws_route53_record" "internal" {
  for_each = var.internal_cnames
  zone_id  = aws_route53_zone.private.zone_id
  name     = "${each.key}.${aws_route53_zone.private.name}"
  type     = "CNAME"
  ttl      = 60
  records  = [each.value]
}
