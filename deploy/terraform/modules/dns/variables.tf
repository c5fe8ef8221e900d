variable "domain" {
  description = "The public zone, already delegated to Route 53 (e.g. eduplatform.example)."
  type        = string
}

variable "subdomain" {
  description = "Environment label in public names (staging -> app.staging.<domain>); empty for prod."
  type        = string
}

variable "environment" {
  description = "dev, staging or prod: names the private zone."
  type        = string
}

variable "vpc_id" {
  description = "The VPC the private zone answers in."
  type        = string
}

variable "ingress_hostname" {
  description = "The ingress controller's load-balancer host name."
  type        = string
}

variable "internal_cnames" {
  description = "Private names to create: short name -> target host."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
