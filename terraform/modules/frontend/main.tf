# Frontend: one always-on small VM running the Snooze frontend container, behind a global
# external Application Load Balancer with IAP and a Google-managed certificate for var.domain,
# or without one for <a-b-c-d>.sslip.io (the reserved address, dashed).

locals {
  mig_name  = "${var.name}-frontend"
  port_name = "http"
  # Project metadata key through which the VM learns its IAP audience (see startup script).
  audience_key = "${var.name}-iap-audience"

  # var.topic_id is projects/PROJECT/topics/NAME: the frontend publishes to NAME in PROJECT.
  topic_parts   = regex("^projects/([^/]+)/topics/([^/]+)$", var.topic_id)
  topic_project = local.topic_parts[0]
  topic_name    = local.topic_parts[1]

  # What the frontend reads (README, "The frontend"); SNOOZE_IAP_AUDIENCE is appended at boot
  # from project metadata. Durations in seconds, which the frontend accepts.
  env = {
    SNOOZE_PORT            = tostring(var.port)
    SNOOZE_BACKEND_URL     = var.backend_url
    SNOOZE_PROJECT         = var.project_id
    SNOOZE_TOPIC           = local.topic_name
    SNOOZE_STATUS_URL      = var.status_url
    SNOOZE_WAKE_TIMEOUT    = tostring(var.wake_timeout_seconds)
    SNOOZE_REQUEST_TIMEOUT = tostring(var.request_timeout_seconds)
    SNOOZE_EXPECTED_WAKE   = tostring(var.expected_wake_seconds)
  }

  # A held request waits up to the wake timeout, then streams for up to the request timeout.
  lb_timeout_seconds = var.wake_timeout_seconds + var.request_timeout_seconds
}

data "google_project" "this" {
  project_id = var.project_id
}

# --- Service account -----------------------------------------------------------------------

resource "google_service_account" "frontend" {
  project      = var.project_id
  account_id   = "${var.name}-frontend"
  display_name = "Snooze frontend VM"
  description  = "Publishes activity to the topic and calls the Status function."
}

resource "google_pubsub_topic_iam_member" "publisher" {
  project = var.project_id
  topic   = var.topic_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.frontend.email}"

  lifecycle {
    # The frontend names the topic's project by SNOOZE_PROJECT, which is var.project_id.
    precondition {
      condition     = local.topic_project == var.project_id
      error_message = "topic_id must be a topic of var.project_id (${var.project_id}), not of ${local.topic_project}."
    }
  }
}

resource "google_cloud_run_v2_service_iam_member" "status_invoker" {
  project  = var.project_id
  location = var.region
  name     = var.status_service_name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.frontend.email}"
}

resource "google_artifact_registry_repository_iam_member" "reader" {
  count      = var.artifact_registry_repository == null ? 0 : 1
  project    = var.project_id
  location   = var.artifact_registry_repository.location
  repository = var.artifact_registry_repository.name
  role       = "roles/artifactregistry.reader"
  member     = "serviceAccount:${google_service_account.frontend.email}"
}

# The COS logging agent (google-logging-enabled) ships the container's logs (user emails of
# IAP-authenticated requests, proxy errors) to Cloud Logging.
resource "google_project_iam_member" "log_writer" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.frontend.email}"
}

# --- Instance template and MIG -------------------------------------------------------------

resource "google_compute_instance_template" "frontend" {
  project      = var.project_id
  name_prefix  = "${local.mig_name}-"
  region       = var.region
  description  = "Snooze frontend: ${var.image} on Container-Optimized OS."
  machine_type = var.machine_type
  tags         = [var.network_tag]
  labels = {
    app  = "snooze"
    role = "frontend"
  }

  disk {
    source_image = var.boot_image
    boot         = true
    auto_delete  = true
    disk_type    = "pd-balanced"
    disk_size_gb = 10
  }

  # No external IP: the load balancer reaches the VM; Private Google Access serves Pub/Sub,
  # Artifact Registry and the Status function (as internal ingress); Cloud NAT the rest.
  network_interface {
    subnetwork = var.subnet_id
  }

  scheduling {
    on_host_maintenance = "MIGRATE"
    automatic_restart   = true
    preemptible         = false
  }

  service_account {
    email  = google_service_account.frontend.email
    scopes = ["cloud-platform"]
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    google-logging-enabled = "true"
    enable-oslogin         = "TRUE"
    block-project-ssh-keys = "TRUE"
    startup-script = templatefile("${path.module}/templates/startup.sh.tftpl", {
      image        = var.image
      port         = var.port
      env          = local.env
      audience_key = local.audience_key
    })
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_compute_health_check" "frontend" {
  project             = var.project_id
  name                = "${local.mig_name}-hc"
  check_interval_sec  = 10
  timeout_sec         = 5
  healthy_threshold   = 2
  unhealthy_threshold = 3

  http_health_check {
    port         = var.port
    request_path = "/healthz"
  }
}

resource "google_compute_region_instance_group_manager" "frontend" {
  project                   = var.project_id
  name                      = local.mig_name
  region                    = var.region
  base_instance_name        = local.mig_name
  distribution_policy_zones = var.zones
  target_size               = 1

  version {
    name              = "primary"
    instance_template = google_compute_instance_template.frontend.id
  }

  named_port {
    name = local.port_name
    port = var.port
  }

  auto_healing_policies {
    health_check      = google_compute_health_check.frontend.id
    initial_delay_sec = 300
  }

  # Surge a new VM before removing the old one (a regional MIG's surge is 0 or >= zones).
  update_policy {
    type                  = "PROACTIVE"
    minimal_action        = "REPLACE"
    replacement_method    = "SUBSTITUTE"
    max_surge_fixed       = length(var.zones)
    max_unavailable_fixed = 0
  }
}

# --- External HTTPS load balancer with IAP -------------------------------------------------

resource "google_compute_backend_service" "frontend" {
  project               = var.project_id
  name                  = "${local.mig_name}-backend"
  description           = "Snooze frontend behind IAP; the timeout covers a held request plus its inference."
  protocol              = "HTTP"
  port_name             = local.port_name
  load_balancing_scheme = "EXTERNAL_MANAGED"
  timeout_sec           = local.lb_timeout_seconds
  health_checks         = [google_compute_health_check.frontend.id]

  backend {
    group           = google_compute_region_instance_group_manager.frontend.instance_group
    balancing_mode  = "UTILIZATION"
    capacity_scaler = 1.0
  }

  # Without a client IAP uses a Google-managed OAuth client, which admits only users of the
  # project's own organization; a custom client admits anyone in var.iap_members.
  iap {
    enabled              = true
    oauth2_client_id     = try(var.iap_oauth_client.client_id, null)
    oauth2_client_secret = try(var.iap_oauth_client.client_secret, null)
  }

  log_config {
    enable      = true
    sample_rate = 1.0
  }
}

# The audience the frontend checks IAP's JWT against. The VM reads it from project metadata
# because the backend service depends on the MIG, which depends on the template.
resource "google_compute_project_metadata_item" "iap_audience" {
  project = var.project_id
  key     = local.audience_key
  value   = "/projects/${data.google_project.this.number}/global/backendServices/${google_compute_backend_service.frontend.generated_id}"
}

resource "google_iap_web_backend_service_iam_member" "access" {
  for_each            = toset(var.iap_members)
  project             = var.project_id
  web_backend_service = google_compute_backend_service.frontend.name
  role                = "roles/iap.httpsResourceAccessor"
  member              = each.value
}

resource "google_compute_managed_ssl_certificate" "frontend" {
  project = var.project_id
  name    = "${local.mig_name}-cert"

  managed {
    domains = [local.certificate_domain]
  }
}

resource "google_compute_url_map" "frontend" {
  project         = var.project_id
  name            = "${local.mig_name}-lb"
  default_service = google_compute_backend_service.frontend.id
}

resource "google_compute_target_https_proxy" "frontend" {
  project          = var.project_id
  name             = "${local.mig_name}-https"
  url_map          = google_compute_url_map.frontend.id
  ssl_certificates = [google_compute_managed_ssl_certificate.frontend.id]
}

resource "google_compute_global_address" "frontend" {
  project = var.project_id
  name    = "${local.mig_name}-ip"
}

# The page's name: var.domain, or without one <a-b-c-d>.sslip.io, which sslip.io's public DNS
# resolves to the reserved address a.b.c.d itself (the dashed form is one label under sslip.io):
# no DNS record to create (terraform/README.md, "No domain? sslip.io").
locals {
  certificate_domain = var.domain != null ? var.domain : "${replace(google_compute_global_address.frontend.address, ".", "-")}.sslip.io"
}

resource "google_compute_global_forwarding_rule" "https" {
  project               = var.project_id
  name                  = "${local.mig_name}-https"
  target                = google_compute_target_https_proxy.frontend.id
  ip_address            = google_compute_global_address.frontend.address
  ip_protocol           = "TCP"
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}

# Plain HTTP on the same address only redirects to HTTPS: nothing is served without TLS.
resource "google_compute_url_map" "redirect" {
  project     = var.project_id
  name        = "${local.mig_name}-redirect"
  description = "Redirects http:// to https:// for ${local.certificate_domain}."

  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "redirect" {
  project = var.project_id
  name    = "${local.mig_name}-http"
  url_map = google_compute_url_map.redirect.id
}

resource "google_compute_global_forwarding_rule" "http" {
  project               = var.project_id
  name                  = "${local.mig_name}-http"
  target                = google_compute_target_http_proxy.redirect.id
  ip_address            = google_compute_global_address.frontend.address
  ip_protocol           = "TCP"
  port_range            = "80"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}
