# Snooze: scale-to-zero GPU serving on Compute Engine.
#
#   user -> HTTPS LB + IAP -> frontend VM -> internal ALB -> GPU MIG (0..desired_size)
#                               |  publishes activity          ^ resized by
#                               v                              |
#                        Pub/Sub topic -> Wake function -------+
#                        Cloud Scheduler (every minute) -> Sleep function
#                        frontend -> Status function (page's progress)

locals {
  frontend_port = 8080

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
  machine_type            = var.machine_type
  gpu_type                = var.gpu_type
  gpu_count               = var.gpu_count
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
  source               = "./modules/controller"
  project_id           = var.project_id
  region               = var.region
  name                 = var.name
  mig_name             = module.gpu_backend.mig_name
  idle_timeout_seconds = var.idle_timeout_seconds
  wake_timeout_seconds = var.wake_timeout_seconds
  desired_size         = var.desired_size
  sleep_mode           = var.sleep_mode
  functions_jar        = var.functions_jar

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
