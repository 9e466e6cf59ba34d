# GPU backend: one regional MIG of GPU VMs per GPU offer (a machine type, a GPU and a
# provisioning model), each of which Snooze resizes between 0 and the desired size, all behind
# one regional internal Application Load Balancer that the frontend proxies to. Every offer runs
# the same container; the functions wake the first offer, in order of preference, that gets
# capacity (SNOOZE_OFFERS).

locals {
  # Shared by every offer, the health checks and the load balancer's parts keep the names they
  # had when there was one MIG, "<name>-gpu".
  prefix = "${var.name}-gpu"
  # Named port of every MIG, used by the internal load balancer's backend service.
  port_name = "http"

  # Each offer by name, settled: its MIG's name, its zones, and what preemption does to a Spot VM
  # (unset: STOP, Compute Engine's default; the MIG restarts the VM, with its disk holding the
  # pulled image and model, once capacity allows).
  offers = {
    for o in var.gpu_offers : o.name => merge(o, {
      mig_name           = "${var.name}-${o.name}"
      zones              = o.zones != null ? o.zones : var.zones
      termination_action = o.provisioning_model == "SPOT" ? coalesce(o.termination_action, "STOP") : null
    })
  }

  # The container's environment. Ollama unloads a model keep_alive after its last request (5
  # minutes by default) while Snooze keeps the GPU awake for idle_timeout_seconds (15 minutes by
  # default): between the two a user would pay for an awake GPU and still wait for the model to
  # load. "-1" keeps it loaded while the VM runs (the VM itself sleeps); the operator's value, if
  # any, wins (the root checks it is not shorter than the idle timeout). Other servers ignore it.
  container_env = merge({ OLLAMA_KEEP_ALIVE = "-1" }, var.backend_env)

  # Connection draining: a VM the functions remove (resize down) or stop may finish its streams
  # for this long before the MIG deletes or stops it. The MIG waits it out at every sleep too,
  # billing the idle GPU, so by default it is on only where VMs are removed while others serve
  # (scale-in): then the longest a request may take, capped at the API's 3600 s.
  draining_timeout_seconds = var.draining_timeout_seconds != null ? var.draining_timeout_seconds : (var.scales_in ? min(var.request_timeout_seconds, 3600) : 0)
}

# The template and the MIG were single resources before offers. The default offer, "gpu", is
# that MIG ("<name>-gpu") with that template: moved in the state, neither is replaced.
moved {
  from = google_compute_instance_template.gpu
  to   = google_compute_instance_template.gpu["gpu"]
}

moved {
  from = google_compute_region_instance_group_manager.gpu
  to   = google_compute_region_instance_group_manager.gpu["gpu"]
}

# --- Service account of the GPU VMs -------------------------------------------------------

resource "google_service_account" "gpu" {
  project      = var.project_id
  account_id   = "${var.name}-gpu"
  display_name = "Snooze GPU backend VMs"
  description  = "Runs the GPU serving container: pulls images, writes logs and metrics."
}

resource "google_project_iam_member" "gpu" {
  for_each = toset([
    "roles/artifactregistry.reader",
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
  ])
  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.gpu.email}"
}

# --- Instance templates, one per offer ------------------------------------------------------

# Image choice: a Deep Learning VM image rather than Container-Optimized OS. The default family
# (common-cu129-ubuntu-2404-nvidia-580) has the NVIDIA driver preinstalled; older DLVM families
# install it at first boot (install-nvidia-driver=True), minutes at every wake in sleep_mode
# delete. The DLVM ships Docker with the NVIDIA Container Toolkit, so the unchanged container
# runs with the standard `docker run --gpus all`. On COS the driver comes
# from `cos-extensions install gpu` and the container needs the driver's device nodes and
# /var/lib/nvidia mounted by hand, because COS has no NVIDIA container runtime: `--gpus all`
# does not work there. The same image serves every offer (L4, T4, ...).
resource "google_compute_instance_template" "gpu" {
  for_each    = local.offers
  project     = var.project_id
  name_prefix = "${each.value.mig_name}-"
  region      = var.region
  description = "Snooze GPU backend: ${var.backend_image} on ${each.value.gpu_count} x ${each.value.gpu_type}.${each.value.provisioning_model == "SPOT" ? " Spot VMs." : ""}"

  machine_type = each.value.machine_type
  tags         = [var.network_tag]
  labels = {
    app  = "snooze"
    role = "gpu-backend"
  }

  disk {
    source_image = var.boot_image
    boot         = true
    auto_delete  = true
    disk_type    = "pd-balanced"
    disk_size_gb = var.boot_disk_size_gb
  }

  # No access_config: the VMs have no external IP; Cloud NAT and Private Google Access
  # let them pull images.
  network_interface {
    subnetwork = var.subnet_id
  }

  guest_accelerator {
    type  = each.value.gpu_type
    count = each.value.gpu_count
  }

  # One scheduling block per provisioning model, each written out whole so that terraform-check
  # can read it. GPU VMs cannot live-migrate: TERMINATE on host maintenance, whatever the model.
  # Spot: preempted at any time and never restarted by Compute Engine itself (the MIG restarts
  # or recreates the VM when capacity allows); the termination action is what preemption does.
  dynamic "scheduling" {
    for_each = each.value.provisioning_model == "SPOT" ? [each.value.termination_action] : []
    content {
      provisioning_model          = "SPOT"
      preemptible                 = true
      automatic_restart           = false
      instance_termination_action = scheduling.value
      on_host_maintenance         = "TERMINATE"
    }
  }

  # Standard (on-demand): exactly the single MIG's scheduling, so that its template stays as is.
  dynamic "scheduling" {
    for_each = each.value.provisioning_model == "STANDARD" ? [1] : []
    content {
      on_host_maintenance = "TERMINATE"
      automatic_restart   = true
      preemptible         = false
    }
  }

  service_account {
    email  = google_service_account.gpu.email
    scopes = ["cloud-platform"]
  }

  shielded_instance_config {
    enable_secure_boot          = false # the DLVM's driver modules are not signed for Secure Boot
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    # Deep Learning VM images without a preinstalled driver install it at first boot; the
    # installer skips it when nvidia-smi already works (the default -nvidia-NNN family).
    install-nvidia-driver  = "True"
    enable-oslogin         = "TRUE"
    block-project-ssh-keys = "TRUE"
    # The startup script reports the boot stages as guest attributes (snooze/<stage>), which
    # the Status function reads: the page shows what the GPU is doing while it wakes.
    enable-guest-attributes = "TRUE"
    startup-script = templatefile("${path.module}/templates/startup.sh.tftpl", {
      image          = var.backend_image
      port           = var.backend_port
      env            = local.container_env
      health         = var.health_check_path
      model          = var.backend_model
      warmup         = var.backend_warmup
      warmup_seconds = var.autohealing_initial_delay_seconds
    })
  }

  lifecycle {
    create_before_destroy = true
  }
}

# --- Health checks, shared by every offer -------------------------------------------------

# Autohealing: recreates a VM whose container stops answering.
resource "google_compute_health_check" "autohealing" {
  project             = var.project_id
  name                = "${local.prefix}-autohealing"
  check_interval_sec  = 10
  timeout_sec         = 5
  healthy_threshold   = 2
  unhealthy_threshold = 6

  http_health_check {
    port         = var.backend_port
    request_path = var.health_check_path
  }
}

# Load balancing: which VM may receive traffic (the frontend's readiness signal).
resource "google_compute_region_health_check" "lb" {
  project             = var.project_id
  name                = "${local.prefix}-lb"
  region              = var.region
  check_interval_sec  = 5
  timeout_sec         = 5
  healthy_threshold   = 1
  unhealthy_threshold = 3

  http_health_check {
    port         = var.backend_port
    request_path = var.health_check_path
  }
}

# --- Regional MIGs, one per offer -----------------------------------------------------------

resource "google_compute_region_instance_group_manager" "gpu" {
  for_each           = local.offers
  project            = var.project_id
  name               = each.value.mig_name
  region             = var.region
  base_instance_name = each.value.mig_name
  description        = "Snooze GPU backend; sized by the Snooze functions (0 asleep, desired size awake)."

  # ANY_SINGLE_ZONE: all VMs in one zone, picked where the GPU is in stock.
  distribution_policy_zones        = each.value.zones
  distribution_policy_target_shape = "ANY_SINGLE_ZONE"

  version {
    name              = "primary"
    instance_template = google_compute_instance_template.gpu[each.key].id
  }

  # Asleep at creation; Snooze owns the size from then on (it also gives an offer that found no
  # capacity up by resizing it back to 0).
  target_size        = 0
  wait_for_instances = false

  named_port {
    name = local.port_name
    port = var.backend_port
  }

  auto_healing_policies {
    health_check      = google_compute_health_check.autohealing.id
    initial_delay_sec = var.autohealing_initial_delay_seconds
  }

  # No autoscaler. ANY_SINGLE_ZONE requires no proactive redistribution; a regional MIG
  # needs max surge and max unavailable of 0 or at least the number of zones.
  update_policy {
    type                         = "OPPORTUNISTIC"
    minimal_action               = "REPLACE"
    instance_redistribution_type = "NONE"
    max_surge_fixed              = 0
    max_unavailable_fixed        = length(each.value.zones)
  }

  lifecycle {
    # Snooze resizes the group (and, in sleep_mode=stop, moves VMs between running and
    # stopped, which changes target_stopped_size): Terraform must not undo it.
    ignore_changes = [target_size, target_stopped_size]
  }
}

# --- Regional internal Application Load Balancer ------------------------------------------

# Every offer's MIG is a backend, behind the same health check: the VMs of whichever offer is
# awake serve, at the one address the frontend knows.
resource "google_compute_region_backend_service" "gpu" {
  project               = var.project_id
  name                  = "${local.prefix}-ilb"
  region                = var.region
  description           = "GPU backend behind the internal ALB; long timeout for streamed generations."
  protocol              = "HTTP"
  load_balancing_scheme = "INTERNAL_MANAGED"
  port_name             = local.port_name
  timeout_sec           = var.request_timeout_seconds
  health_checks         = [google_compute_region_health_check.lb.id]

  # Scale-in and sleep resize (or stop) the MIGs: their VMs drain before they go.
  connection_draining_timeout_sec = local.draining_timeout_seconds

  dynamic "backend" {
    for_each = google_compute_region_instance_group_manager.gpu
    content {
      group           = backend.value.instance_group
      balancing_mode  = "UTILIZATION"
      capacity_scaler = 1.0
    }
  }

  log_config {
    enable      = true
    sample_rate = 1.0
  }
}

resource "google_compute_region_url_map" "gpu" {
  project         = var.project_id
  name            = "${local.prefix}-ilb"
  region          = var.region
  default_service = google_compute_region_backend_service.gpu.id
}

resource "google_compute_region_target_http_proxy" "gpu" {
  project = var.project_id
  name    = "${local.prefix}-ilb"
  region  = var.region
  url_map = google_compute_region_url_map.gpu.id
}

# A reserved address, so the backend URL the frontend is given never changes.
resource "google_compute_address" "ilb" {
  project      = var.project_id
  name         = "${local.prefix}-ilb"
  region       = var.region
  subnetwork   = var.subnet_id
  address_type = "INTERNAL"
}

resource "google_compute_forwarding_rule" "gpu" {
  project               = var.project_id
  name                  = "${local.prefix}-ilb"
  region                = var.region
  load_balancing_scheme = "INTERNAL_MANAGED"
  ip_protocol           = "TCP"
  ip_address            = google_compute_address.ilb.address
  port_range            = tostring(var.backend_port)
  target                = google_compute_region_target_http_proxy.gpu.id
  network               = var.network_id
  subnetwork            = var.subnet_id
  network_tier          = "PREMIUM"

  # The internal ALB needs the proxy-only subnet in the region before its forwarding rule.
  depends_on = [terraform_data.proxy_subnet]
}

# Carries the proxy-only subnet dependency into this module.
resource "terraform_data" "proxy_subnet" {
  input = var.proxy_subnet_id
}
