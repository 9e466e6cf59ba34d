output "page_url" {
  description = "URL of the Snooze page, https://<certificate_domain>/, once its certificate is ACTIVE (IAP asks for a Google sign-in; only var.iap_members get through)."
  value       = module.frontend.url
}

output "certificate_domain" {
  description = "Domain of the Google-managed certificate: var.domain, or without it <a-b-c-d>.sslip.io for lb_ip a.b.c.d."
  value       = module.frontend.certificate_domain
}

output "lb_ip" {
  description = "External IP of the HTTPS load balancer: with var.domain, create an A record for it pointing here, then the managed certificate provisions; without, nothing to do (the sslip.io name resolves here)."
  value       = module.frontend.lb_ip
}

output "internal_lb_ip" {
  description = "Internal IP of the GPU backend's internal load balancer."
  value       = module.gpu_backend.ilb_ip
}

output "mig_name" {
  description = "Name of the first (preferred) GPU offer's regional MIG; every offer's: gpu_offers."
  value       = module.gpu_backend.offers[0].mig_name
}

output "gpu_offers" {
  description = "The GPU offers in order of preference, each {name, mig_name, provisioning_model}: regional MIGs in var.region that Snooze resizes (the functions' SNOOZE_OFFERS)."
  value       = module.gpu_backend.offers
}

output "topic" {
  description = "ID of the activity topic; publishing any message to it wakes the GPU."
  value       = module.controller.topic_id
}

output "function_urls" {
  description = "HTTPS URLs of the Wake, Sleep and Status functions, and BillingAlert's (billing) with billing_budget (internal ingress, IAM-authenticated)."
  value       = module.controller.function_urls
}

output "artifact_registry" {
  description = "Image prefix of the Artifact Registry repository (push the frontend image here)."
  value       = module.artifact_registry.url
}

output "iap_audience" {
  description = "Audience the frontend checks IAP's JWT against (SNOOZE_IAP_AUDIENCE)."
  value       = module.frontend.iap_audience
}

output "service_accounts" {
  description = "Email of every service account: GPU VMs, frontend VM, each function, the Wake trigger, the BillingAlert trigger (null without billing_budget), the scheduler and the functions' build."
  value = {
    gpu_backend     = module.gpu_backend.service_account_email
    frontend        = module.frontend.service_account_email
    functions       = module.controller.function_service_accounts
    wake_trigger    = module.controller.wake_trigger_service_account
    billing_trigger = module.controller.billing_trigger_service_account
    scheduler       = module.controller.scheduler_service_account
    build           = module.controller.build_service_account
  }
}

output "billing_topic" {
  description = "ID of the billing topic the Cloud Billing budget publishes its spend to (BillingAlert's trigger); null without billing_budget."
  value       = module.controller.billing_topic_id
}

output "billing_budget" {
  description = "Resource name of the Cloud Billing budget (billingAccounts/ACCOUNT/budgets/BUDGET); null without billing_budget."
  value       = one(module.billing_budget[*].name)
}
