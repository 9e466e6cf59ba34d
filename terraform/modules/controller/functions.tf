# The gen2 functions (Wake, Sleep, Status, and BillingAlert with billing_alert), their environment
# and their source.

locals {
  # Each Compute operation (a resize, a stop, a start) is awaited up to SNOOZE_OPERATION_TIMEOUT,
  # left at the functions' default.
  operation_timeout_seconds = 60

  # Exactly the variables the functions read (README, "The functions"); the others keep their
  # defaults (SNOOZE_ACTIVITY_GRANULARITY 10 s, SNOOZE_HEARTBEAT_TTL 2 min,
  # SNOOZE_OPERATION_TIMEOUT 60 s). Durations are given in seconds, which the functions accept.
  # Every offer is a regional MIG in var.region: SNOOZE_OFFERS lists them in order of
  # preference as MIG@REGION:MODEL; SNOOZE_MIG and SNOOZE_REGION (not SNOOZE_ZONE) name the
  # first, as they named the one MIG before offers.
  function_env_base = {
    SNOOZE_PROJECT          = var.project_id
    SNOOZE_REGION           = var.region
    SNOOZE_MIG              = var.offers[0].mig_name
    SNOOZE_OFFERS           = join(",", [for o in var.offers : "${o.mig_name}@${var.region}:${o.provisioning_model}"])
    SNOOZE_CAPACITY_TIMEOUT = tostring(var.capacity_timeout_seconds)
    SNOOZE_IDLE_TIMEOUT     = tostring(var.idle_timeout_seconds)
    SNOOZE_DESIRED_SIZE     = tostring(var.desired_size)
    SNOOZE_SLEEP_MODE       = var.sleep_mode
    SNOOZE_STATE_COLLECTION = var.state_collection
    # Scaling while awake: ceil(requests in flight / SNOOZE_TARGET_IN_FLIGHT) VMs, from
    # SNOOZE_DESIRED_SIZE to SNOOZE_MAX_SIZE (desired_size unless set: a fixed size), fewer only
    # once demand has been lower for SNOOZE_SCALE_IN_DELAY.
    SNOOZE_MAX_SIZE         = tostring(coalesce(var.max_size, var.desired_size))
    SNOOZE_TARGET_IN_FLIGHT = tostring(var.target_in_flight)
    SNOOZE_SCALE_IN_DELAY   = tostring(var.scale_in_delay_seconds)
    # Same wake timeout as the frontend's hold, so the page and Status agree on ERROR.
    SNOOZE_WAKE_TIMEOUT = tostring(var.wake_timeout_seconds)
    # The ETA until Status has learned this deployment's stage times from its own wakes.
    SNOOZE_EXPECTED_WAKE = tostring(var.expected_wake_seconds)
    # The Cloud Scheduler job's period (scheduler.tf): how far ahead of a warm window Sleep wakes
    # the GPU, and how the budget counts the time between two checks.
    SNOOZE_CHECK_INTERVAL = tostring(var.check_interval_seconds)
    # The ledger's days and months begin at midnight in this zone, caps or none.
    SNOOZE_BUDGET_ZONE  = var.budget.zone
    SNOOZE_BUDGET_GRACE = tostring(var.budget.grace_seconds)
    # C1 only: a third less CPU to the first handled event (docs/benchmarks.md, P2). Setting this
    # replaces the buildpack's memory flags, so the heap is sized to available_memory here.
    JAVA_TOOL_OPTIONS = "-XX:MaxRAM=512m -XX:MaxRAMPercentage=70 -XX:TieredStopAtLevel=1"
  }

  # Features that are off when their variable is unset: left out of the environment (null here)
  # rather than set to "" (the functions read both as off).
  function_env_optional = {
    SNOOZE_WARM_WINDOWS               = length(var.warm_windows) > 0 ? join("; ", var.warm_windows) : null
    SNOOZE_BUDGET_GPU_HOURS_PER_DAY   = var.budget.gpu_hours_per_day == null ? null : tostring(var.budget.gpu_hours_per_day)
    SNOOZE_BUDGET_GPU_HOURS_PER_MONTH = var.budget.gpu_hours_per_month == null ? null : tostring(var.budget.gpu_hours_per_month)
    SNOOZE_BUDGET_MONEY_PER_DAY       = var.budget.money_per_day == null ? null : tostring(var.budget.money_per_day)
    SNOOZE_BUDGET_MONEY_PER_MONTH     = var.budget.money_per_month == null ? null : tostring(var.budget.money_per_month)
    # MIG=PRICE for every priced offer, in order of preference.
    SNOOZE_GPU_PRICES = length(var.gpu_hourly_prices) > 0 ? join(",", [for o in var.offers : "${o.mig_name}=${var.gpu_hourly_prices[o.mig_name]}" if contains(keys(var.gpu_hourly_prices), o.mig_name)]) : null
  }

  # The same environment for every function.
  function_env = merge(local.function_env_base, { for k, v in local.function_env_optional : k => v if v != null })

  # Wake and Sleep may carry a whole failover in one invocation: per offer a give-up (resize to
  # 0) and a wake, each operation awaited, plus a minute for Firestore, retries and the start.
  # One offer: 180 s, as before offers; four: 540 s, the limit of an event-driven function
  # (Wake; an HTTP one, Sleep, may take 3600 s), hence at most 4 offers.
  controller_timeout_seconds = 60 + 2 * local.operation_timeout_seconds * length(var.offers)

  functions_always = {
    wake = {
      entry_point     = "dev.snooze.functions.Wake"
      description     = "Records activity from the topic and wakes the GPU MIG."
      timeout_seconds = local.controller_timeout_seconds
      max             = 10
    }
    sleep = {
      entry_point     = "dev.snooze.functions.Sleep"
      description     = "Scheduler tick: sleeps the idle GPU MIG and reconciles it."
      timeout_seconds = local.controller_timeout_seconds
      max             = 2
    }
    status = {
      entry_point     = "dev.snooze.functions.Status"
      description     = "Reports the phase, the MIG and the recent history as JSON."
      timeout_seconds = 30
      max             = 5
    }
  }

  # Only with a Cloud Billing budget (billing_alert): a few notifications a day, one at a time.
  function_billing = {
    entry_point     = "dev.snooze.functions.BillingAlert"
    description     = "Records the Cloud Billing budget's spend from its topic; no wake once it reaches the budget."
    timeout_seconds = 60
    max             = 1
  }

  functions = merge(local.functions_always, var.billing_alert ? { billing = local.function_billing } : {})
}

# Event-driven functions: the topic each is triggered by, through Eventarc, and the identity that
# invokes it (run.invoker on that function only, iam.tf).
locals {
  event_triggers = merge(
    {
      wake = {
        topic           = google_pubsub_topic.activity.id
        service_account = google_service_account.wake_trigger.email
      }
    },
    var.billing_alert ? {
      billing = {
        topic           = one(google_pubsub_topic.billing[*].id)
        service_account = one(google_service_account.billing_trigger[*].email)
      }
    } : {},
  )
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

  # Wake: the activity topic; BillingAlert: the billing budget's topic. Both retried.
  dynamic "event_trigger" {
    for_each = contains(keys(local.event_triggers), each.key) ? [local.event_triggers[each.key]] : []
    content {
      trigger_region        = var.region
      event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
      pubsub_topic          = event_trigger.value.topic
      retry_policy          = "RETRY_POLICY_RETRY"
      service_account_email = event_trigger.value.service_account
    }
  }

  lifecycle {
    # The functions refuse a SNOOZE_MAX_SIZE below SNOOZE_DESIRED_SIZE.
    precondition {
      condition     = var.max_size == null ? true : var.max_size >= var.desired_size
      error_message = "max_size (${coalesce(var.max_size, var.desired_size)}) must be at least desired_size (${var.desired_size}): the functions refuse a SNOOZE_MAX_SIZE below SNOOZE_DESIRED_SIZE."
    }
    # A money cap counts each offer's VM hours at its price (Budget.priced in the functions).
    precondition {
      condition     = (var.budget.money_per_day == null && var.budget.money_per_month == null) || alltrue([for o in var.offers : contains(keys(var.gpu_hourly_prices), o.mig_name)])
      error_message = "budget money_per_day and money_per_month need an hourly price for every offer: gpu_hourly_prices has none for ${join(", ", [for o in var.offers : o.mig_name if !contains(keys(var.gpu_hourly_prices), o.mig_name)])}."
    }
    precondition {
      condition     = alltrue([for mig in keys(var.gpu_hourly_prices) : contains([for o in var.offers : o.mig_name], mig)])
      error_message = "gpu_hourly_prices prices ${join(", ", [for mig in keys(var.gpu_hourly_prices) : mig if !contains([for o in var.offers : o.mig_name], mig)])}, which is not an offer's MIG: key it by the offers' mig_name."
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
