# Snooze: scale-to-zero GPU serving on Compute Engine.
#
#   user -> HTTPS LB + IAP -> frontend VM -> internal ALB -> GPU MIG per offer (0 or desired..max_size)
#                               |  publishes activity          ^ resized by (first offer with
#                               v                              |  capacity, in order)
#                        Pub/Sub topic -> Wake function -------+
#                        Cloud Scheduler (every minute) -> Sleep function
#                        frontend -> Status function (page's progress)
#                        Cloud Billing budget -> billing topic -> BillingAlert function (billing_budget)

locals {
  frontend_port = 8080
  # Every zone a GPU offer's MIG may use (its own, or var.zones).
  offer_zones = flatten([for o in var.gpu_offers : o.zones != null ? o.zones : var.zones])

  # The configured guess of a whole wake, until Status has measured one of this deployment's
  # (README, "Boot stages"): installing the NVIDIA driver at boot costs minutes, and in
  # sleep_mode delete every wake pulls the image and the model again. A boot image outside the
  # Deep Learning VM project is taken to have the driver baked in.
  driver_preinstalled   = !startswith(var.boot_image, "projects/deeplearning-platform-release/") || can(regex("-nvidia-[0-9]+(-|$)", var.boot_image))
  expected_wake_seconds = coalesce(var.expected_wake_seconds, local.driver_preinstalled ? (var.sleep_mode == "stop" ? 90 : 150) : (var.sleep_mode == "stop" ? 120 : 270))

  # OLLAMA_KEEP_ALIVE as Ollama reads it, in seconds: a plain number is seconds, anything else a
  # Go duration ("1h30m"); negative keeps the model loaded for good (-1 here, as unset: Snooze
  # sets "-1"). Its format is validated with backend_env.
  keep_alive         = lookup(var.backend_env, "OLLAMA_KEEP_ALIVE", "-1")
  keep_alive_parts   = regexall("([0-9.]+)(ns|us|µs|ms|s|m|h)", local.keep_alive)
  unit_seconds       = { h = 3600, m = 60, s = 1, ms = 0.001, us = 0.000001, "µs" = 0.000001, ns = 0.000000001 }
  keep_alive_seconds = can(tonumber(local.keep_alive)) ? tonumber(local.keep_alive) : startswith(local.keep_alive, "-") ? -1 : sum(concat([0], [for p in local.keep_alive_parts : tonumber(p[0]) * local.unit_seconds[p[1]]]))

  # The Budget API only with a billing budget (its requests are billed to this project's quota:
  # provider google.billing, versions.tf).
  # Each offer's hourly_price (null: unpriced), by offer name.
  offer_prices = { for o in var.gpu_offers : o.name => o.hourly_price }

  services = concat([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "compute.googleapis.com",
    "eventarc.googleapis.com",
    "firestore.googleapis.com",
    "iap.googleapis.com",
    "logging.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "storage.googleapis.com",
  ], var.billing_budget == null ? [] : ["billingbudgets.googleapis.com"])
}

resource "google_project_service" "apis" {
  for_each           = toset(local.services)
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

# Cross-variable checks (variable validations may only refer to their own variable before
# Terraform 1.9).
resource "terraform_data" "checks" {
  input = var.zones

  lifecycle {
    precondition {
      condition     = alltrue([for z in var.zones : startswith(z, "${var.region}-")])
      error_message = "Every zone in var.zones must be in var.region (${var.region})."
    }
    # One region: the regional internal load balancer reaches only its own region's backends.
    precondition {
      condition     = alltrue([for z in local.offer_zones : startswith(z, "${var.region}-")])
      error_message = "Every zone of every gpu_offers entry must be in var.region (${var.region}): the internal load balancer reaches only its own region's backends."
    }
    # A model unloaded while the GPU is still awake makes the next prompt wait for it to load
    # again, on a GPU that is being paid for.
    precondition {
      condition     = local.keep_alive_seconds < 0 || local.keep_alive_seconds >= var.idle_timeout_seconds
      error_message = "backend_env OLLAMA_KEEP_ALIVE = \"${local.keep_alive}\" (${local.keep_alive_seconds} s) is shorter than idle_timeout_seconds (${var.idle_timeout_seconds}): Ollama would unload the model while the GPU is still awake and the next prompt would wait for it to load again. Remove it (Snooze sets \"-1\": loaded while the GPU is awake) or set it to at least \"${var.idle_timeout_seconds}\"."
    }
    # A money cap counts each offer's VM hours at its price.
    precondition {
      condition     = (var.budget.money_per_day == null && var.budget.money_per_month == null) || alltrue([for o in var.gpu_offers : o.hourly_price != null])
      error_message = "budget money_per_day and money_per_month count money from each offer's hourly_price: set hourly_price on every gpu_offers entry (${join(", ", [for o in var.gpu_offers : o.name if o.hourly_price == null])} has none), or cap GPU hours only."
    }
    # The functions refuse a SNOOZE_MAX_SIZE below SNOOZE_DESIRED_SIZE.
    precondition {
      condition     = var.max_size == null ? true : var.max_size >= var.desired_size
      error_message = "max_size (${coalesce(var.max_size, var.desired_size)}) must be at least desired_size (${var.desired_size}), the GPU VMs of every wake: raise max_size, or leave it null for desired_size."
    }
    precondition {
      condition     = local.expected_wake_seconds < var.wake_timeout_seconds
      error_message = "expected_wake_seconds (${local.expected_wake_seconds}) must be below wake_timeout_seconds (${var.wake_timeout_seconds}), after which a wake counts as failed: lower it, or raise wake_timeout_seconds."
    }
  }
}

# A warning, not an error: the last offer is woken only after every earlier one was given up,
# (offers - 1) x capacity_timeout_seconds after the wake began; past wake_timeout_seconds the
# frontend has stopped holding requests and the page shows the wake as failed.
check "failover_within_wake_timeout" {
  assert {
    condition     = (length(var.gpu_offers) - 1) * var.capacity_timeout_seconds < var.wake_timeout_seconds
    error_message = "The last GPU offer is tried only ${(length(var.gpu_offers) - 1) * var.capacity_timeout_seconds} s after a wake begins, not before wake_timeout_seconds (${var.wake_timeout_seconds} s) runs out: raise wake_timeout_seconds or lower capacity_timeout_seconds."
  }
}

module "network" {
  source        = "./modules/network"
  project_id    = var.project_id
  region        = var.region
  name          = var.name
  backend_port  = var.backend_port
  frontend_port = local.frontend_port
  backend_tag   = "${var.name}-gpu"
  frontend_tag  = "${var.name}-frontend"

  depends_on = [google_project_service.apis]
}

module "gpu_backend" {
  source                   = "./modules/gpu_backend"
  project_id               = var.project_id
  region                   = var.region
  zones                    = var.zones
  name                     = var.name
  network_id               = module.network.network_id
  subnet_id                = module.network.subnet_id
  proxy_subnet_id          = module.network.proxy_subnet_id
  network_tag              = module.network.backend_tag
  gpu_offers               = var.gpu_offers
  backend_image            = var.backend_image
  backend_port             = var.backend_port
  backend_env              = var.backend_env
  backend_model            = var.backend_model
  backend_warmup           = var.backend_warmup
  boot_image               = var.boot_image
  request_timeout_seconds  = var.request_timeout_seconds
  draining_timeout_seconds = var.draining_timeout_seconds
  scales_in                = coalesce(var.max_size, var.desired_size) > var.desired_size

  depends_on = [google_project_service.apis]
}

module "artifact_registry" {
  source     = "./modules/artifact_registry"
  project_id = var.project_id
  region     = var.region
  name       = var.name

  depends_on = [google_project_service.apis]
}

# The repository was created by the controller module until it got a module of its own: move
# it in the state rather than replace it with its images.
moved {
  from = module.controller.google_artifact_registry_repository.images
  to   = module.artifact_registry.google_artifact_registry_repository.images
}

module "controller" {
  source                   = "./modules/controller"
  project_id               = var.project_id
  region                   = var.region
  name                     = var.name
  offers                   = module.gpu_backend.offers
  capacity_timeout_seconds = var.capacity_timeout_seconds
  idle_timeout_seconds     = var.idle_timeout_seconds
  wake_timeout_seconds     = var.wake_timeout_seconds
  expected_wake_seconds    = local.expected_wake_seconds
  desired_size             = var.desired_size
  max_size                 = var.max_size
  target_in_flight         = var.target_in_flight
  scale_in_delay_seconds   = var.scale_in_delay_seconds
  sleep_mode               = var.sleep_mode
  functions_jar            = var.functions_jar
  warm_windows             = var.warm_windows
  budget                   = var.budget
  # SNOOZE_GPU_PRICES: each priced offer's hourly_price, by its MIG.
  gpu_hourly_prices = { for o in module.gpu_backend.offers : o.mig_name => local.offer_prices[o.name] if local.offer_prices[o.name] != null }
  billing_alert     = var.billing_budget != null

  depends_on = [google_project_service.apis]
}

# Optional: a Cloud Billing budget that publishes its spend to the controller's billing topic.
module "billing_budget" {
  source          = "./modules/billing_budget"
  count           = var.billing_budget == null ? 0 : 1
  project_id      = var.project_id
  name            = var.name
  billing_account = var.billing_budget.billing_account
  amount          = var.billing_budget.amount
  currency_code   = var.billing_budget.currency_code
  thresholds      = var.billing_budget.thresholds
  topic_id        = module.controller.billing_topic_id

  # The Budget API needs a quota project: this one (the provider's billing_project).
  providers = {
    google = google.billing
  }

  depends_on = [google_project_service.apis]
}

module "frontend" {
  source              = "./modules/frontend"
  project_id          = var.project_id
  region              = var.region
  zones               = var.zones
  name                = var.name
  subnet_id           = module.network.subnet_id
  network_tag         = module.network.frontend_tag
  image               = var.frontend_image
  port                = local.frontend_port
  backend_url         = module.gpu_backend.backend_url
  topic_id            = module.controller.topic_id
  status_url          = module.controller.status_url
  status_service_name = module.controller.status_service_name
  artifact_registry_repository = {
    location = module.artifact_registry.location
    name     = module.artifact_registry.name
  }
  wake_timeout_seconds    = var.wake_timeout_seconds
  expected_wake_seconds   = local.expected_wake_seconds
  request_timeout_seconds = var.request_timeout_seconds
  domain                  = var.domain
  iap_members             = var.iap_members
  iap_oauth_client        = var.iap_oauth_client

  depends_on = [google_project_service.apis]
}
