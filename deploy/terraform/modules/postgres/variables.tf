variable "name" {
  description = "Instance identifier, e.g. eduplatform-prod."
  type        = string
}

variable "vpc_id" {
  description = "The VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the instance."
  type        = list(string)
}

variable "client_security_group_id" {
  description = "The cluster's security group: the only one allowed to connect."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL version (16: what the tests run against, ADR 0002)."
  type        = string
  default     = "16.6"
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
}

variable "storage_gb" {
  description = "Initial storage; autoscaling goes up to four times this."
  type        = number
}

variable "multi_az" {
  description = "A standby in a second zone."
  type        = bool
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 7
}

variable "deletion_protection" {
  description = "Refuse deletes and keep a final snapshot."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
