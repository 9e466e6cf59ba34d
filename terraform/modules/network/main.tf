# VPC for Snooze: one subnet for the VMs and the internal load balancer, a proxy-only subnet
# for the regional internal Application Load Balancer, Cloud NAT so VMs without external IPs
# can pull images from outside Google (e.g. Docker Hub), and firewall rules that admit only
# the load balancers' health checkers and proxies to the two service ports.

locals {
  # Google Cloud health checkers; the global external Application Load Balancer's
  # Google Front Ends connect to backends from these same ranges.
  health_check_ranges = ["35.191.0.0/16", "130.211.0.0/22"]
}

resource "google_compute_network" "vpc" {
  project                 = var.project_id
  name                    = "${var.name}-vpc"
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"
}

resource "google_compute_subnetwork" "main" {
  project       = var.project_id
  name          = "${var.name}-subnet"
  region        = var.region
  network       = google_compute_network.vpc.id
  ip_cidr_range = var.subnet_cidr
  # VMs without external IPs reach Google APIs (Pub/Sub, Artifact Registry, the functions'
  # run.app URLs, which then count as internal ingress) through Private Google Access.
  private_ip_google_access = true
}

resource "google_compute_subnetwork" "proxy_only" {
  project       = var.project_id
  name          = "${var.name}-proxy-only"
  region        = var.region
  network       = google_compute_network.vpc.id
  ip_cidr_range = var.proxy_subnet_cidr
  purpose       = "REGIONAL_MANAGED_PROXY"
  role          = "ACTIVE"
}

resource "google_compute_router" "router" {
  project = var.project_id
  name    = "${var.name}-router"
  region  = var.region
  network = google_compute_network.vpc.id
}

resource "google_compute_router_nat" "nat" {
  project                            = var.project_id
  name                               = "${var.name}-nat"
  region                             = var.region
  router                             = google_compute_router.router.name
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "LIST_OF_SUBNETWORKS"

  subnetwork {
    name                    = google_compute_subnetwork.main.id
    source_ip_ranges_to_nat = ["ALL_IP_RANGES"]
  }

  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

# GPU backend port: health checkers (autohealing and the internal LB's regional health check)
# and the internal load balancer's Envoy proxies, which connect from the proxy-only subnet.
resource "google_compute_firewall" "backend" {
  project     = var.project_id
  name        = "${var.name}-allow-backend"
  network     = google_compute_network.vpc.id
  description = "Health checkers and the internal ALB's proxy-only subnet to the GPU backend port only."
  direction   = "INGRESS"
  priority    = 1000

  source_ranges = concat(local.health_check_ranges, [var.proxy_subnet_cidr])
  target_tags   = [var.backend_tag]

  allow {
    protocol = "tcp"
    ports    = [tostring(var.backend_port)]
  }
}

# Frontend port: health checkers and the global external ALB's Google Front Ends (the same
# ranges). The proxy-only subnet is not needed here: only the internal ALB uses it.
resource "google_compute_firewall" "frontend" {
  project     = var.project_id
  name        = "${var.name}-allow-frontend"
  network     = google_compute_network.vpc.id
  description = "Health checkers and Google Front Ends to the frontend port only."
  direction   = "INGRESS"
  priority    = 1000

  source_ranges = local.health_check_ranges
  target_tags   = [var.frontend_tag]

  allow {
    protocol = "tcp"
    ports    = [tostring(var.frontend_port)]
  }
}
