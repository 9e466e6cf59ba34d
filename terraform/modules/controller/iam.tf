# Least-privilege identities: one runtime service account per function, the functions' build,
# the Wake trigger, the scheduler and (billing_alert) the BillingAlert trigger; the custom roles
# on the MIG, and every grant.

locals {
  role_prefix = replace(var.name, "-", "_")
}

# --- Identities ----------------------------------------------------------------------------

resource "google_service_account" "function" {
  for_each     = local.functions
  project      = var.project_id
  account_id   = "${var.name}-fn-${each.key}"
  display_name = "Snooze ${each.key} function"
  description  = "Runtime identity of the ${each.value.entry_point} function."
}

# Cloud Build turns the uploaded jar into the functions' images. Its own identity, because new
# projects' default build identity (the Compute Engine default service account) may lack the
# roles, and older projects' has far more than a build needs.
resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${var.name}-build"
  display_name = "Snooze functions build"
  description  = "Cloud Build identity for the three functions: reads their source, writes their images and build logs."
}

resource "google_project_iam_member" "build" {
  for_each = toset(["roles/logging.logWriter", "roles/artifactregistry.writer"])
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.build.email}"
}

resource "google_storage_bucket_iam_member" "build_source" {
  bucket = google_storage_bucket.sources.name
  role   = "roles/storage.objectAdmin"
  member = "serviceAccount:${google_service_account.build.email}"
}

resource "google_service_account" "wake_trigger" {
  project      = var.project_id
  account_id   = "${var.name}-wake-trigger"
  display_name = "Snooze Wake trigger"
  description  = "Eventarc trigger identity: invokes the Wake function only."
}

resource "google_service_account" "billing_trigger" {
  count        = var.billing_alert ? 1 : 0
  project      = var.project_id
  account_id   = "${var.name}-bill-trigger"
  display_name = "Snooze BillingAlert trigger"
  description  = "Eventarc trigger identity: invokes the BillingAlert function only."
}

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "${var.name}-scheduler"
  display_name = "Snooze Sleep scheduler"
  description  = "Cloud Scheduler identity: invokes the Sleep function only."
}

# Wake and Sleep read and resize the MIGs. Every permission is one the Compute API asks for a
# method the functions call (ComputeMig / MigApi); see the README of this module. Granted on the
# project, without a condition, so it covers every offer's MIG, regional or zonal.
resource "google_project_iam_custom_role" "controller" {
  project     = var.project_id
  role_id     = "${local.role_prefix}_mig_controller"
  title       = "Snooze MIG controller"
  description = "Get, list and resize/stop/start the Snooze GPU MIGs (every offer's), poll their operations and read their VMs' boot stages (guest attributes)."
  stage       = "GA"
  permissions = [
    "compute.instanceGroupManagers.get",    # get, listManagedInstances, listErrors
    "compute.instanceGroupManagers.list",   # listManagedInstances, listErrors (as gcloud documents them)
    "compute.instanceGroupManagers.update", # resize, stopInstances, startInstances
    "compute.instances.getGuestAttributes", # instances.getGuestAttributes: the boot stages
    "compute.regionOperations.get",         # polling a regional MIG's operations
    "compute.zoneOperations.get",           # polling a zonal MIG's operations (SNOOZE_ZONE)
  ]
}

# Status only reads the MIGs, and the boot stages their VMs report as guest attributes.
resource "google_project_iam_custom_role" "reader" {
  project     = var.project_id
  role_id     = "${local.role_prefix}_mig_reader"
  title       = "Snooze MIG reader"
  description = "Get and list the Snooze GPU MIGs (every offer's), their managed instances and errors, and read their VMs' boot stages (guest attributes)."
  stage       = "GA"
  permissions = [
    "compute.instanceGroupManagers.get",
    "compute.instanceGroupManagers.list",
    "compute.instances.getGuestAttributes",
  ]
}

resource "google_project_iam_member" "controller" {
  for_each = toset(["wake", "sleep"])
  project  = var.project_id
  role     = google_project_iam_custom_role.controller.id
  member   = "serviceAccount:${google_service_account.function[each.key].email}"
}

resource "google_project_iam_member" "reader" {
  project = var.project_id
  role    = google_project_iam_custom_role.reader.id
  member  = "serviceAccount:${google_service_account.function["status"].email}"
}

# Wake and Sleep update the state document in transactions, and so does BillingAlert, which only
# records the budget's spend there (no Compute role: Wake refuses the wakes, Sleep sleeps the GPU);
# Status only reads it.
resource "google_project_iam_member" "datastore_user" {
  for_each = toset(concat(["wake", "sleep"], var.billing_alert ? ["billing"] : []))
  project  = var.project_id
  role     = "roles/datastore.user"
  member   = "serviceAccount:${google_service_account.function[each.key].email}"
}

resource "google_project_iam_member" "datastore_viewer" {
  project = var.project_id
  role    = "roles/datastore.viewer"
  member  = "serviceAccount:${google_service_account.function["status"].email}"
}

# Invoker bindings on the functions' Cloud Run services, one caller each.
resource "google_cloud_run_v2_service_iam_member" "wake_trigger" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.function["wake"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.wake_trigger.email}"
}

resource "google_cloud_run_v2_service_iam_member" "scheduler" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.function["sleep"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

resource "google_cloud_run_v2_service_iam_member" "billing_trigger" {
  count    = var.billing_alert ? 1 : 0
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.function["billing"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.billing_trigger[0].email}"
}
