variable "name" {
  description = "The cluster's name, e.g. eduplatform-prod."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS version; deploy/k8s is validated against the same minor (edu deploy check)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the control plane's interfaces and the nodes."
  type        = list(string)
}

variable "public_api_cidrs" {
  description = "Addresses allowed to reach the API endpoint from outside the VPC; empty: private only."
  type        = list(string)
  default     = []
}

variable "node_instance_types" {
  description = "Instance types of the default node group."
  type        = list(string)
}

variable "node_min" {
  description = "Smallest (and initial) node count."
  type        = number
}

variable "node_max" {
  description = "Largest node count."
  type        = number
}

variable "image_repositories" {
  description = "Image repositories to create (deployable names); empty where images come from elsewhere."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
