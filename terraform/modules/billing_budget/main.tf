# A Cloud Billing budget on the project's spend that publishes every update to the controller's
# billing topic (BillingAlert is triggered by it), and the grant that lets Cloud Billing publish.

# budget_filter takes projects by number.
data "google_project" "project" {
  project_id = var.project_id
}

# Cloud Billing publishes budget notifications as billing-budget-alert@system.gserviceaccount.com,
# which needs pubsub.topics.publish on the topic (the Budget API's AllUpdatesRule reference). The
# API can add this binding itself when whoever connects the topic may set its IAM policy; granting
# it here, before the budget exists, keeps it in the state and works either way.
resource "google_pubsub_topic_iam_member" "billing_publisher" {
  project = var.project_id
  topic   = var.topic_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:billing-budget-alert@system.gserviceaccount.com"
}

resource "google_billing_budget" "budget" {
  billing_account = var.billing_account
  display_name    = "Snooze ${var.name} (${var.project_id})"

  # This project's spend only, per calendar month (which begins at midnight US Pacific time),
  # credits included: what the invoice shows.
  budget_filter {
    projects               = ["projects/${data.google_project.project.number}"]
    calendar_period        = "MONTH"
    credit_types_treatment = "INCLUDE_ALL_CREDITS"
  }

  amount {
    specified_amount {
      currency_code = var.currency_code
      units         = tostring(floor(var.amount))
      nanos         = floor((var.amount - floor(var.amount)) * 1000000000 + 0.5)
    }
  }

  # Threshold rules fill alertThresholdExceeded in the notifications; they also send the e-mails
  # to the billing account's administrators and users (the default recipients, kept on: a budget
  # with thresholds needs at least one e-mail recipient).
  dynamic "threshold_rules" {
    for_each = var.thresholds
    content {
      threshold_percent = threshold_rules.value
      spend_basis       = "CURRENT_SPEND"
    }
  }

  # Every update of the spend (several a day, whatever the thresholds) to the topic, as
  # {costAmount, budgetAmount, alertThresholdExceeded, ...}; "1.0" is the only schema version.
  all_updates_rule {
    pubsub_topic   = var.topic_id
    schema_version = "1.0"
  }

  depends_on = [google_pubsub_topic_iam_member.billing_publisher]
}
