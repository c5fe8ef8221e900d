output "address" {
  description = "The instance's host name (the private DNS record postgres.<env>.internal points here)."
  value       = aws_db_instance.this.address
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret with the admin password (External Secrets reads it)."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}
