output "url" {
  description = "URL of the page (behind IAP): https://<certificate_domain>/."
  value       = "https://${local.certificate_domain}/"
}

output "certificate_domain" {
  description = "Domain of the Google-managed certificate: var.domain, or without it <a-b-c-d>.sslip.io for the reserved address."
  value       = local.certificate_domain
}

output "lb_ip" {
  description = "External IP of the HTTPS load balancer: with var.domain, its A record must point here; without, the sslip.io name already resolves here."
  value       = google_compute_global_address.frontend.address
}

output "service_account_email" {
  description = "Email of the frontend VM's service account."
  value       = google_service_account.frontend.email
}

output "backend_service_id" {
  description = "ID of the IAP-protected global backend service."
  value       = google_compute_backend_service.frontend.id
}

output "iap_audience" {
  description = "Audience of IAP's signed header (SNOOZE_IAP_AUDIENCE)."
  value       = google_compute_project_metadata_item.iap_audience.value
}

output "mig_name" {
  description = "Name of the frontend's regional MIG."
  value       = google_compute_region_instance_group_manager.frontend.name
}
