output "mig_name" {
  description = "Name of the regional GPU MIG (SNOOZE_MIG)."
  value       = google_compute_region_instance_group_manager.gpu.name
}

output "mig_id" {
  description = "ID of the regional GPU MIG."
  value       = google_compute_region_instance_group_manager.gpu.id
}

output "instance_group" {
  description = "URL of the MIG's instance group."
  value       = google_compute_region_instance_group_manager.gpu.instance_group
}

output "service_account_email" {
  description = "Email of the GPU VMs' service account."
  value       = google_service_account.gpu.email
}

output "ilb_ip" {
  description = "Internal IP address of the internal load balancer."
  value       = google_compute_address.ilb.address
}

output "backend_url" {
  description = "Base URL of the GPU backend through the internal load balancer (SNOOZE_BACKEND_URL)."
  value       = "http://${google_compute_address.ilb.address}:${var.backend_port}"
}

output "backend_service_id" {
  description = "ID of the internal load balancer's regional backend service."
  value       = google_compute_region_backend_service.gpu.id
}
