variable "bucket_name" {
  description = "Globally unique bucket name."
  type        = string
}

variable "allowed_origins" {
  description = "Origins whose pages upload to or play from the bucket (the web app's)."
  type        = list(string)
}

variable "noncurrent_version_days" {
  description = "Days a replaced or deleted video is kept."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
