output "offers" {
  description = "The offers in order of preference, each {name, mig_name, provisioning_model}: regional MIGs in var.region, for the controller's SNOOZE_OFFERS."
  value = [for o in var.gpu_offers : {
    name               = o.name
    mig_name           = local.offers[o.name].mig_name
    provisioning_model = o.provisioning_model
  }]
}

output "migs" {
  description = "Each offer's MIG by offer name: {name, id, instance_group (its URL), instance_template (the template's ID)}."
  value = { for k, m in google_compute_region_instance_group_manager.gpu : k => {
    name              = m.name
    id                = m.id
    instance_group    = m.instance_group
    instance_template = google_compute_instance_template.gpu[k].id
  } }
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
