# Controller: the activity topic, the state database, the three functions that wake, sleep
# and report on the GPU MIG, the scheduler tick, and the least-privilege identities that
# tie them together.

locals {
  role_prefix = replace(var.name, "-", "_")

  # Exactly the variables the functions read (README, "The functions"); the others keep their
  # defaults (SNOOZE_ACTIVITY_GRANULARITY 10 s, SNOOZE_HEARTBEAT_TTL 2 min,
  # SNOOZE_OPERATION_TIMEOUT 60 s). Durations are given in seconds, which the functions accept.
  # SNOOZE_REGION (not SNOOZE_ZONE): the MIG is regional.
  function_env = {
    SNOOZE_PROJECT          = var.project_id
    SNOOZE_REGION           = var.region
    SNOOZE_MIG              = var.mig_name
    SNOOZE_IDLE_TIMEOUT     = tostring(var.idle_timeout_seconds)
    SNOOZE_DESIRED_SIZE     = tostring(var.desired_size)
    SNOOZE_SLEEP_MODE       = var.sleep_mode
    SNOOZE_STATE_COLLECTION = var.state_collection
    # Same wake timeout as the frontend's hold, so the page and Status agree on ERROR.
    SNOOZE_WAKE_TIMEOUT = tostring(var.wake_timeout_seconds)
    # C1 only: a third less CPU to the first handled event (docs/benchmarks.md, P2). Setting this
    # replaces the buildpack's memory flags, so the heap is sized to available_memory here.
    JAVA_TOOL_OPTIONS = "-XX:MaxRAM=512m -XX:MaxRAMPercentage=70 -XX:TieredStopAtLevel=1"
  }

  functions = {
    wake = {
      entry_point     = "dev.snooze.functions.Wake"
      description     = "Records activity from the topic and wakes the GPU MIG."
      timeout_seconds = 180 # a resize plus its operation wait (SNOOZE_OPERATION_TIMEOUT 60 s) and retries
      max             = 10
    }
    sleep = {
      entry_point     = "dev.snooze.functions.Sleep"
      description     = "Scheduler tick: sleeps the idle GPU MIG and reconciles it."
      timeout_seconds = 180
      max             = 2
    }
    status = {
      entry_point     = "dev.snooze.functions.Status"
      description     = "Reports the phase, the MIG and the recent history as JSON."
      timeout_seconds = 30
      max             = 5
    }
  }
}

# --- Activity topic ------------------------------------------------------------------------

resource "google_pubsub_topic" "activity" {
  project                    = var.project_id
  name                       = "${var.name}-activity"
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

# --- Functions source ---------------------------------------------------------------------

resource "google_storage_bucket" "sources" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name}-functions"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
}

# Gen2 (Cloud Run functions) takes its source as a zip in Cloud Storage. For Java, a zip that
# holds only a pre-built uber-jar at its root is deployed as is: the Java buildpack runs the
# jar with the Functions Framework invoker instead of building with Maven. So the jar is
# zipped unchanged; the object name carries its hash, so a new jar redeploys the functions.
data "archive_file" "functions" {
  type        = "zip"
  source_file = var.functions_jar
  output_path = "${path.root}/.terraform/tmp/snooze-functions.zip"
}

resource "google_storage_bucket_object" "functions" {
  name   = "snooze-functions-${data.archive_file.functions.output_md5}.zip"
  bucket = google_storage_bucket.sources.name
  source = data.archive_file.functions.output_path
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

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "${var.name}-scheduler"
  display_name = "Snooze Sleep scheduler"
  description  = "Cloud Scheduler identity: invokes the Sleep function only."
}

# Wake and Sleep read and resize the MIG. Every permission is one the Compute API asks for a
# method the functions call (ComputeMig / MigApi); see the README of this module.
resource "google_project_iam_custom_role" "controller" {
  project     = var.project_id
  role_id     = "${local.role_prefix}_mig_controller"
  title       = "Snooze MIG controller"
  description = "Get, list and resize/stop/start the Snooze GPU MIG and poll its operations."
  stage       = "GA"
  permissions = [
    "compute.instanceGroupManagers.get",    # get, listManagedInstances, listErrors
    "compute.instanceGroupManagers.list",   # listManagedInstances, listErrors (as gcloud documents them)
    "compute.instanceGroupManagers.update", # resize, stopInstances, startInstances
    "compute.regionOperations.get",         # polling a regional MIG's operations
    "compute.zoneOperations.get",           # polling a zonal MIG's operations (SNOOZE_ZONE)
  ]
}

# Status only reads the MIG.
resource "google_project_iam_custom_role" "reader" {
  project     = var.project_id
  role_id     = "${local.role_prefix}_mig_reader"
  title       = "Snooze MIG reader"
  description = "Get and list the Snooze GPU MIG and its managed instances and errors."
  stage       = "GA"
  permissions = [
    "compute.instanceGroupManagers.get",
    "compute.instanceGroupManagers.list",
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

# Wake and Sleep update the state document in transactions; Status only reads it.
resource "google_project_iam_member" "datastore_user" {
  for_each = toset(["wake", "sleep"])
  project  = var.project_id
  role     = "roles/datastore.user"
  member   = "serviceAccount:${google_service_account.function[each.key].email}"
}

resource "google_project_iam_member" "datastore_viewer" {
  project = var.project_id
  role    = "roles/datastore.viewer"
  member  = "serviceAccount:${google_service_account.function["status"].email}"
}

# --- Functions -----------------------------------------------------------------------------

resource "google_cloudfunctions2_function" "function" {
  for_each    = local.functions
  project     = var.project_id
  location    = var.region
  name        = "${var.name}-${each.key}"
  description = each.value.description
  labels = {
    app = "snooze"
  }

  build_config {
    runtime         = "java17"
    entry_point     = each.value.entry_point
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.functions.name
      }
    }
  }

  service_config {
    available_memory                 = "512Mi"
    available_cpu                    = "1"
    timeout_seconds                  = each.value.timeout_seconds
    min_instance_count               = 0
    max_instance_count               = each.value.max
    max_instance_request_concurrency = 1
    environment_variables            = local.function_env
    # All three are internal only: Eventarc/Pub/Sub (Wake) and Cloud Scheduler (Sleep) in the
    # same project count as internal sources for Cloud Run ingress, and the frontend VM calls
    # Status from the VPC (no external IP, Private Google Access on its subnet).
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.function[each.key].email
  }

  dynamic "event_trigger" {
    for_each = each.key == "wake" ? [1] : []
    content {
      trigger_region        = var.region
      event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
      pubsub_topic          = google_pubsub_topic.activity.id
      retry_policy          = "RETRY_POLICY_RETRY"
      service_account_email = google_service_account.wake_trigger.email
    }
  }

  depends_on = [
    google_project_iam_member.build,
    google_storage_bucket_iam_member.build_source,
    google_project_iam_member.controller,
    google_project_iam_member.reader,
    google_project_iam_member.datastore_user,
    google_project_iam_member.datastore_viewer,
    google_firestore_database.default,
  ]
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

# --- Sleep tick ----------------------------------------------------------------------------

resource "google_cloud_scheduler_job" "sleep" {
  project          = var.project_id
  region           = var.region
  name             = "${var.name}-sleep-tick"
  description      = "Every minute: lets the Sleep function sleep an idle GPU and reconcile the MIG."
  schedule         = var.sleep_schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "180s"

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
