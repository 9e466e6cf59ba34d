# Controller: the activity topic, the state database, the three functions that wake, sleep
# and report on the GPU MIG, the scheduler tick, and the least-privilege identities that
# tie them together; with billing_alert, the billing topic and the BillingAlert function it
# triggers. By concern: this file (topics and state), functions.tf (source and the functions),
# iam.tf (identities, custom roles and grants), scheduler.tf (the tick).

# --- Activity topic ------------------------------------------------------------------------

resource "google_pubsub_topic" "activity" {
  project                    = var.project_id
  name                       = "${var.name}-activity"
  message_retention_duration = "86400s"
  labels = {
    app = "snooze"
  }
}

# --- Billing topic ------------------------------------------------------------------------

# Where a Cloud Billing budget (module billing_budget) publishes its spend, a few times a day;
# BillingAlert is triggered by it as Wake is by the activity topic.
resource "google_pubsub_topic" "billing" {
  count                      = var.billing_alert ? 1 : 0
  project                    = var.project_id
  name                       = "${var.name}-billing"
  message_retention_duration = "86400s"
  labels = {
    app = "snooze"
  }
}

# --- State database -----------------------------------------------------------------------

resource "google_firestore_database" "default" {
  count                   = var.create_firestore_database ? 1 : 0
  project                 = var.project_id
  name                    = "(default)"
  location_id             = coalesce(var.firestore_location, var.region)
  type                    = "FIRESTORE_NATIVE"
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  deletion_policy         = "ABANDON"
}
