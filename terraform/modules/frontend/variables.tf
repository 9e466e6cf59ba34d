variable "project_id" {
  description = "Project of the frontend."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the frontend's regional MIG."
  type        = string
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a region such as us-central1."
  }
}

variable "zones" {
  description = "Zones the frontend's single VM may run in."
  type        = list(string)
  validation {
    condition     = length(var.zones) > 0 && alltrue([for z in var.zones : can(regex("^[a-z]+-[a-z]+[0-9]+-[a-z]$", z))])
    error_message = "zones must be a non-empty list of zones such as [\"us-central1-a\"]."
  }
}

variable "name" {
  description = "Prefix of the resource names."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}[a-z0-9]$", var.name))
    error_message = "name must be 2 to 16 lowercase letters, digits or hyphens."
  }
}

variable "subnet_id" {
  description = "ID of the subnet of the frontend VM (Private Google Access on)."
  type        = string
  validation {
    condition     = can(regex("^(https://www.googleapis.com/compute/v1/)?projects/[^/]+/regions/[^/]+/subnetworks/[^/]+$", var.subnet_id))
    error_message = "subnet_id must be a subnetwork ID, projects/P/regions/R/subnetworks/S."
  }
}

variable "network_tag" {
  description = "Network tag of the frontend VM (the frontend firewall rule's target)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,62}$", var.network_tag))
    error_message = "network_tag must be a valid network tag."
  }
}

variable "machine_type" {
  description = "Machine type of the always-on frontend VM. e2-micro (1 GB, 2 shared vCPUs at 0.25 sustained; its hours are in the free tier in some US regions) holds the frontend with the image's JVM flags: 224 MiB RSS at the load suite's peak, within its 256 MiB share of the machine after Container-Optimized OS and page cache, and 25 us of CPU per small proxied request, ~10,000 a second at a quarter vCPU (docs/benchmarks.md, P3). e2-small (2 GB, 0.5 vCPU) is the step up."
  type        = string
  default     = "e2-micro"
  validation {
    condition     = can(regex("^[a-z][a-z0-9]*-[a-z0-9-]+$", var.machine_type))
    error_message = "machine_type must be a machine type such as e2-micro."
  }
}

variable "boot_image" {
  description = "Container-Optimized OS image family of the frontend VM."
  type        = string
  default     = "projects/cos-cloud/global/images/family/cos-stable"
  validation {
    condition     = can(regex("^projects/cos-cloud/global/images/", var.boot_image))
    error_message = "boot_image must be a Container-Optimized OS image (projects/cos-cloud/global/images/...)."
  }
}

variable "image" {
  description = "Container image of the frontend."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$", var.image))
    error_message = "image must be a container image reference such as us-central1-docker.pkg.dev/PROJECT/snooze/frontend:1.0.0."
  }
}

variable "port" {
  description = "Port of the frontend (SNOOZE_PORT)."
  type        = number
  default     = 8080
  validation {
    condition     = var.port >= 1 && var.port <= 65535 && floor(var.port) == var.port
    error_message = "port must be an integer from 1 to 65535."
  }
}

variable "backend_url" {
  description = "GPU backend base URL through the internal load balancer (SNOOZE_BACKEND_URL)."
  type        = string
  validation {
    condition     = can(regex("^http://", var.backend_url))
    error_message = "backend_url must be an http:// URL."
  }
}

variable "topic_id" {
  description = "ID (projects/PROJECT/topics/NAME) of the activity topic, in var.project_id: the frontend publishes to it (SNOOZE_TOPIC is NAME) and its service account may publish to it only."
  type        = string
  validation {
    condition     = can(regex("^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/topics/[A-Za-z][A-Za-z0-9._~+%-]{2,254}$", var.topic_id))
    error_message = "topic_id must be projects/PROJECT/topics/NAME, NAME being a Pub/Sub topic name (3 to 255 characters, starting with a letter)."
  }
}

variable "status_url" {
  description = "HTTPS URL of the Status function (SNOOZE_STATUS_URL); called with an ID token of the VM's service account."
  type        = string
  validation {
    condition     = can(regex("^https://", var.status_url))
    error_message = "status_url must be an https:// URL."
  }
}

variable "status_service_name" {
  description = "Cloud Run service of the Status function: the frontend's service account gets run.invoker on it only."
  type        = string
  validation {
    condition     = can(regex("^(projects/[^/]+/locations/[^/]+/services/)?[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", var.status_service_name))
    error_message = "status_service_name must be a Cloud Run service name, or its full projects/P/locations/L/services/S name."
  }
}

variable "artifact_registry_repository" {
  description = "Artifact Registry repository (location and name) the frontend image is pulled from; the service account gets reader on it only. Null when the image is public."
  type = object({
    location = string
    name     = string
  })
  default = null
  validation {
    condition     = var.artifact_registry_repository == null || try(can(regex("^[a-z][a-z0-9-]*$", var.artifact_registry_repository.location)) && length(var.artifact_registry_repository.name) > 0, false)
    error_message = "artifact_registry_repository must be null or {location, name} of an Artifact Registry repository."
  }
}

variable "wake_timeout_seconds" {
  description = "How long a request is held while the GPU wakes, in seconds (SNOOZE_WAKE_TIMEOUT); part of the external load balancer's timeout."
  type        = number
  validation {
    condition     = var.wake_timeout_seconds >= 60 && var.wake_timeout_seconds <= 3600 && floor(var.wake_timeout_seconds) == var.wake_timeout_seconds
    error_message = "wake_timeout_seconds must be an integer from 60 to 3600."
  }
}

variable "expected_wake_seconds" {
  description = "How long a whole wake is expected to take, in seconds, before the Status function has measured one (SNOOZE_EXPECTED_WAKE): the page's progress while Status cannot be reached."
  type        = number
  validation {
    condition     = var.expected_wake_seconds >= 10 && var.expected_wake_seconds <= 3600 && floor(var.expected_wake_seconds) == var.expected_wake_seconds
    error_message = "expected_wake_seconds must be an integer from 10 to 3600."
  }
}

variable "request_timeout_seconds" {
  description = "Longest a proxied request may take, in seconds (SNOOZE_REQUEST_TIMEOUT; the internal load balancer's timeout); part of the external load balancer's timeout."
  type        = number
  validation {
    condition     = var.request_timeout_seconds >= 600 && var.request_timeout_seconds <= 86400 && floor(var.request_timeout_seconds) == var.request_timeout_seconds
    error_message = "request_timeout_seconds must be an integer from 600 to 86400."
  }
}

variable "domain" {
  description = "Domain of the Google-managed certificate, whose A record points at lb_ip; null: <a-b-c-d>.sslip.io for the reserved address a.b.c.d, which resolves to it with no DNS record."
  type        = string
  default     = null
  validation {
    condition     = var.domain == null ? true : can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be null or a lowercase fully qualified domain name."
  }
}

variable "iap_members" {
  description = "Principals granted roles/iap.httpsResourceAccessor on the external backend service."
  type        = list(string)
  validation {
    condition     = alltrue([for m in var.iap_members : !contains(["allUsers", "allAuthenticatedUsers"], m)])
    error_message = "iap_members must not contain allUsers or allAuthenticatedUsers."
  }
}

variable "iap_oauth_client" {
  description = "Custom OAuth client for IAP ({client_id, client_secret}); null uses the Google-managed client, which admits only users of the project's organization."
  type = object({
    client_id     = string
    client_secret = string
  })
  default   = null
  sensitive = true
  validation {
    condition     = var.iap_oauth_client == null ? true : (endswith(var.iap_oauth_client.client_id, ".apps.googleusercontent.com") && length(var.iap_oauth_client.client_secret) > 0)
    error_message = "iap_oauth_client.client_id must end in .apps.googleusercontent.com and client_secret must not be empty."
  }
}
