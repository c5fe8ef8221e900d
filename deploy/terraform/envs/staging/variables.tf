variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "eu-west-1"
}

variable "domain" {
  description = "The public DNS zone (delegated to Route 53)."
  type        = string
  default     = "eduplatform.example"
}

variable "ingress_hostname" {
  description = "The ingress controller's load balancer (known once ingress-nginx is installed)."
  type        = string
}

variable "public_api_cidrs" {
  description = "Operator addresses allowed to the Kubernetes API; empty: VPN only."
  type        = list(string)
  default     = []
}
