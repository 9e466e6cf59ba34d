# --- Sleep tick ----------------------------------------------------------------------------

resource "google_cloud_scheduler_job" "sleep" {
  project          = var.project_id
  region           = var.region
  name             = "${var.name}-sleep-tick"
  description      = "Every minute: lets the Sleep function sleep an idle GPU and reconcile the MIG."
  schedule         = var.sleep_schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "${local.functions.sleep.timeout_seconds}s" # as long as Sleep may run

  # The next tick is a minute away: no retries.
  retry_config {
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.function["sleep"].service_config[0].uri
    headers = {
      "Content-Type" = "application/json"
    }
    body = base64encode("{}")

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = google_cloudfunctions2_function.function["sleep"].service_config[0].uri
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.scheduler]
}
