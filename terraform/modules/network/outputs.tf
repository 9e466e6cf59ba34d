output "network_id" {
  description = "ID (projects/P/global/networks/N) of the VPC."
  value       = google_compute_network.vpc.id
}

output "network_self_link" {
  description = "Self link of the VPC."
  value       = google_compute_network.vpc.self_link
}

output "subnet_id" {
  description = "ID of the subnet of the VMs and of the internal load balancer's address."
  value       = google_compute_subnetwork.main.id
}

output "subnet_self_link" {
  description = "Self link of the subnet of the VMs."
  value       = google_compute_subnetwork.main.self_link
}

output "proxy_subnet_id" {
  description = "ID of the proxy-only subnet; the internal forwarding rule depends on it existing."
  value       = google_compute_subnetwork.proxy_only.id
}

output "proxy_subnet_cidr" {
  description = "Range of the proxy-only subnet."
  value       = google_compute_subnetwork.proxy_only.ip_cidr_range
}

output "backend_tag" {
  description = "Network tag the GPU VMs must carry for the backend firewall rule."
  value       = var.backend_tag
}

output "frontend_tag" {
  description = "Network tag the frontend VMs must carry for the frontend firewall rule."
  value       = var.frontend_tag
}
