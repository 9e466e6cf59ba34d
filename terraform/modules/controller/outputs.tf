output "topic_id" {
  description = "ID (projects/P/topics/T) of the activity topic."
  value       = google_pubsub_topic.activity.id
}

output "topic_name" {
  description = "Short name of the activity topic (the frontend's SNOOZE_TOPIC)."
  value       = google_pubsub_topic.activity.name
}

output "function_urls" {
  description = "HTTPS (run.app) URL of each function, by key: wake, sleep, status, and billing (BillingAlert) with billing_alert."
  value       = { for k, f in google_cloudfunctions2_function.function : k => f.service_config[0].uri }
}

output "status_url" {
  description = "HTTPS URL of the Status function (the frontend's SNOOZE_STATUS_URL and ID token audience)."
  value       = google_cloudfunctions2_function.function["status"].service_config[0].uri
}

output "status_service_name" {
  description = "Name of the Status function's Cloud Run service, for the frontend's run.invoker binding."
  value       = google_cloudfunctions2_function.function["status"].service_config[0].service
}

output "function_service_accounts" {
  description = "Runtime service account email of each function, by key."
  value       = { for k, sa in google_service_account.function : k => sa.email }
}

output "wake_trigger_service_account" {
  description = "Email of the Eventarc trigger's service account (run.invoker on Wake only)."
  value       = google_service_account.wake_trigger.email
}

output "billing_topic_id" {
  description = "ID (projects/P/topics/T) of the billing topic a Cloud Billing budget publishes to, which triggers BillingAlert; null without billing_alert."
  value       = one(google_pubsub_topic.billing[*].id)
}

output "billing_trigger_service_account" {
  description = "Email of the BillingAlert trigger's service account (run.invoker on BillingAlert only); null without billing_alert."
  value       = one(google_service_account.billing_trigger[*].email)
}

output "scheduler_service_account" {
  description = "Email of the Cloud Scheduler job's service account (run.invoker on Sleep only)."
  value       = google_service_account.scheduler.email
}

output "custom_roles" {
  description = "IDs of the custom roles: controller (Wake, Sleep) and reader (Status)."
  value = {
    controller = google_project_iam_custom_role.controller.id
    reader     = google_project_iam_custom_role.reader.id
  }
}

output "build_service_account" {
  description = "Email of the service account Cloud Build uses to build the functions."
  value       = google_service_account.build.email
}
