# --- Sleep tick ----------------------------------------------------------------------------

# Every check_interval_seconds, a whole number of minutes that divides an hour, so that the ticks
# are evenly spaced: the functions get the same period as SNOOZE_CHECK_INTERVAL (functions.tf).
locals {
  check_interval_minutes = var.check_interval_seconds / 60
  sleep_schedule         = local.check_interval_minutes == 1 ? "* * * * *" : "*/${local.check_interval_minutes} * * * *"
}

resource "google_cloud_scheduler_job" "sleep" {
  project          = var.project_id
  region           = var.region
  name             = "${var.name}-sleep-tick"
  description      = "Every ${local.check_interval_minutes == 1 ? "minute" : "${local.check_interval_minutes} minutes"}: lets the Sleep function sleep an idle GPU and reconcile the MIG."
  schedule         = local.sleep_schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "${local.functions.sleep.timeout_seconds}s" # as long as Sleep may run

  # The next tick is one check interval away: no retries.
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
