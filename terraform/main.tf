# Snooze: scale-to-zero GPU serving on Compute Engine.
#
#   user -> HTTPS LB + IAP -> frontend VM -> internal ALB -> GPU MIG per offer (0..desired_size)
#                               |  publishes activity          ^ resized by (first offer with
#                               v                              |  capacity, in order)
#                        Pub/Sub topic -> Wake function -------+
#                        Cloud Scheduler (every minute) -> Sleep function
#                        frontend -> Status function (page's progress)

locals {
  frontend_port = 8080
  # Every zone a GPU offer's MIG may use (its own, or var.zones).
  offer_zones = flatten([for o in var.gpu_offers : o.zones != null ? o.zones : var.zones])

  services = [
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
  ]
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
  source                  = "./modules/gpu_backend"
  project_id              = var.project_id
  region                  = var.region
  zones                   = var.zones
  name                    = var.name
  network_id              = module.network.network_id
  subnet_id               = module.network.subnet_id
  proxy_subnet_id         = module.network.proxy_subnet_id
  network_tag             = module.network.backend_tag
  gpu_offers              = var.gpu_offers
  backend_image           = var.backend_image
  backend_port            = var.backend_port
  backend_env             = var.backend_env
  backend_warmup          = var.backend_warmup
  request_timeout_seconds = var.request_timeout_seconds

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
  desired_size             = var.desired_size
  sleep_mode               = var.sleep_mode
  functions_jar            = var.functions_jar

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
  request_timeout_seconds = var.request_timeout_seconds
  domain                  = var.domain
  iap_members             = var.iap_members
  iap_oauth_client        = var.iap_oauth_client

  depends_on = [google_project_service.apis]
}
