variable "name" {
  description = "Prefix of every resource's name, e.g. eduplatform-prod."
  type        = string
}

variable "cidr_block" {
  description = "The VPC's address range."
  type        = string
}

variable "zone_count" {
  description = "Availability zones to spread subnets over."
  type        = number
  default     = 3
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
