variable "project_id" {
  description = "Project that holds the GPU backend."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of every offer's regional MIG and of the internal load balancer, which reaches only backends in its own region."
  type        = string
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a region such as us-central1."
  }
}

variable "zones" {
  description = "Zones of var.region an offer's MIG may place its VMs in (one zone at a time: ANY_SINGLE_ZONE), for offers that list no zones of their own."
  type        = list(string)
  validation {
    condition     = length(var.zones) > 0 && alltrue([for z in var.zones : can(regex("^[a-z]+-[a-z]+[0-9]+-[a-z]$", z))])
    error_message = "zones must be a non-empty list of zones such as [\"us-central1-a\"]."
  }
}

variable "name" {
  description = "Prefix of the resource names: each offer's MIG is \"<name>-<offer name>\", the load balancer's parts \"<name>-gpu-*\"."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}[a-z0-9]$", var.name))
    error_message = "name must be 2 to 16 lowercase letters, digits or hyphens."
  }
}

variable "network_id" {
  description = "ID of the VPC."
  type        = string
  validation {
    condition     = can(regex("^(https://www.googleapis.com/compute/v1/)?projects/[^/]+/global/networks/[^/]+$", var.network_id))
    error_message = "network_id must be a network ID, projects/P/global/networks/N."
  }
}

variable "subnet_id" {
  description = "ID of the subnet of the GPU VMs and of the internal load balancer's address."
  type        = string
  validation {
    condition     = can(regex("^(https://www.googleapis.com/compute/v1/)?projects/[^/]+/regions/[^/]+/subnetworks/[^/]+$", var.subnet_id))
    error_message = "subnet_id must be a subnetwork ID, projects/P/regions/R/subnetworks/S."
  }
}

variable "proxy_subnet_id" {
  description = "ID of the proxy-only subnet; the internal forwarding rule is created only once it exists."
  type        = string
  validation {
    condition     = can(regex("^(https://www.googleapis.com/compute/v1/)?projects/[^/]+/regions/[^/]+/subnetworks/[^/]+$", var.proxy_subnet_id))
    error_message = "proxy_subnet_id must be a subnetwork ID, projects/P/regions/R/subnetworks/S."
  }
}

variable "network_tag" {
  description = "Network tag of the GPU VMs (the backend firewall rule's target)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,62}$", var.network_tag))
    error_message = "network_tag must be a valid network tag."
  }
}

variable "gpu_offers" {
  description = "The ways to get a GPU, in order of preference; each is a regional MIG \"<name>-<offer name>\" in var.region with a template of its own (machine_type, gpu_count x gpu_type, provisioning_model STANDARD or SPOT, termination_action STOP or DELETE for SPOT only, STOP when unset), placed in its zones (var.zones when unset). 1 to 4 offers, names unique."
  type = list(object({
    name               = string
    machine_type       = string
    gpu_type           = string
    gpu_count          = optional(number, 1)
    provisioning_model = optional(string, "STANDARD")
    termination_action = optional(string)
    zones              = optional(list(string))
  }))
  validation {
    condition     = length(var.gpu_offers) >= 1
    error_message = "gpu_offers must list at least one offer."
  }
  validation {
    condition     = length(var.gpu_offers) <= 4
    error_message = "gpu_offers may list at most 4 offers (a failover through all of them must fit in one Wake invocation, at most 540 s)."
  }
  validation {
    condition     = alltrue([for o in var.gpu_offers : can(regex("^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$", o.name))])
    error_message = "Each gpu_offers name must be 1 to 20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen."
  }
  validation {
    condition     = length(distinct([for o in var.gpu_offers : o.name])) == length(var.gpu_offers)
    error_message = "gpu_offers names must be unique: each offer is a MIG of its own."
  }
  validation {
    condition     = alltrue([for o in var.gpu_offers : contains(["SPOT", "STANDARD"], o.provisioning_model)])
    error_message = "Each gpu_offers provisioning_model must be SPOT or STANDARD."
  }
  validation {
    condition     = alltrue([for o in var.gpu_offers : o.termination_action == null ? true : (o.provisioning_model == "SPOT" && contains(["STOP", "DELETE"], o.termination_action))])
    error_message = "A gpu_offers termination_action is STOP or DELETE, and only for a SPOT offer (what preemption does to its VMs)."
  }
  validation {
    condition     = alltrue([for o in var.gpu_offers : can(regex("^[a-z][a-z0-9]*-[a-z0-9-]+$", o.machine_type)) && can(regex("^nvidia-[a-z0-9-]+$", o.gpu_type)) && contains([1, 2, 4, 8], o.gpu_count)])
    error_message = "Each gpu_offers entry needs a machine_type such as g2-standard-8, a gpu_type such as nvidia-l4, and a gpu_count of 1, 2, 4 or 8."
  }
  validation {
    condition     = alltrue([for o in var.gpu_offers : o.zones == null ? true : (length(o.zones) > 0 && alltrue([for z in o.zones : can(regex("^[a-z]+-[a-z]+[0-9]+-[a-z]$", z))]))])
    error_message = "A gpu_offers zones list, when set, must be a non-empty list of zones such as [\"us-central1-a\"]."
  }
}

variable "boot_image" {
  description = "Boot image with Docker and the NVIDIA Container Toolkit. The default, a Deep Learning VM family whose name ends in -nvidia-<driver> (Ubuntu 24.04), has the NVIDIA driver preinstalled: no driver install at boot. Other Deep Learning VM families install it at first boot (install-nvidia-driver), which costs minutes at every wake in sleep_mode delete. A custom image with the driver and the container image baked in is faster still."
  type        = string
  default     = "projects/deeplearning-platform-release/global/images/family/common-cu129-ubuntu-2404-nvidia-580"
  validation {
    condition     = can(regex("^projects/[a-z0-9-]+/global/images/", var.boot_image))
    error_message = "boot_image must be projects/P/global/images/NAME or projects/P/global/images/family/F."
  }
}

variable "boot_disk_size_gb" {
  description = "Boot disk size; it holds the image, the container image and the model."
  type        = number
  default     = 200
  validation {
    condition     = var.boot_disk_size_gb >= 50 && var.boot_disk_size_gb <= 65536 && floor(var.boot_disk_size_gb) == var.boot_disk_size_gb
    error_message = "boot_disk_size_gb must be an integer from 50 to 65536 (the Deep Learning VM image needs 50 GB)."
  }
}

variable "backend_image" {
  description = "Container image run unchanged with --gpus all."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$", var.backend_image))
    error_message = "backend_image must be a container image reference such as ollama/ollama:0.5.7."
  }
}

variable "backend_env" {
  description = "Environment variables of the backend container (e.g. {OLLAMA_HOST = \"0.0.0.0:11434\"}); values must not contain single quotes. OLLAMA_KEEP_ALIVE is \"-1\" (the model stays loaded while the VM runs) unless set here."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for k, v in var.backend_env : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", k)) && !strcontains(v, "'")])
    error_message = "backend_env keys must be environment variable names and values must not contain single quotes."
  }
  validation {
    condition     = can(regex("^-?([0-9]+|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$", lookup(var.backend_env, "OLLAMA_KEEP_ALIVE", "-1")))
    error_message = "backend_env OLLAMA_KEEP_ALIVE must be a number of seconds (\"3600\") or a duration (\"30m\", \"1h30m\"), negative to keep the model loaded for good; or leave it unset: Snooze sets \"-1\", loaded while the GPU is awake."
  }
}

variable "backend_model" {
  description = "Ollama model every woken GPU serves (e.g. llama3.2 or qwen2.5:7b), or null. Once the container answers, the VM pulls the model unless its disk has it (POST /api/show, then /api/pull) and loads it (POST /api/generate without a prompt) before the load balancer may reach the container and before it reports the stage ready; backend_warmup runs after it."
  type        = string
  default     = null
  validation {
    condition     = var.backend_model == null || can(regex("^[A-Za-z0-9][A-Za-z0-9._/-]*(:[A-Za-z0-9._-]+)?$", var.backend_model))
    error_message = "backend_model must be an Ollama model name such as llama3.2 or qwen2.5:7b (letters, digits, . _ / - and an optional :tag)."
  }
}

variable "backend_warmup" {
  description = "Requests the VM sends to its own container at every boot, in order and after backend_model's, once the container answers health_check_path and before the load balancer may reach it; each is retried until it answers 2xx, up to autohealing_initial_delay_seconds after boot. method is POST (the default; body is JSON) or GET (no body), e.g. {method = \"GET\", path = \"/v1/models\"} for vLLM. Neither path nor body may contain single quotes."
  type = list(object({
    path   = string
    body   = optional(string)
    method = optional(string, "POST")
  }))
  default = []
  validation {
    condition     = alltrue([for w in var.backend_warmup : startswith(w.path, "/") && !strcontains(w.path, "'") && !strcontains(coalesce(w.body, "-"), "'")])
    error_message = "backend_warmup paths must start with / and neither paths nor bodies may contain single quotes."
  }
  validation {
    condition     = alltrue([for w in var.backend_warmup : w.method == "POST" || (w.method == "GET" && w.body == null)])
    error_message = "A backend_warmup method is POST (with an optional JSON body) or GET (without a body)."
  }
}

variable "backend_port" {
  description = "Port the container listens on, published on the same host port."
  type        = number
  validation {
    condition     = var.backend_port >= 1 && var.backend_port <= 65535 && floor(var.backend_port) == var.backend_port
    error_message = "backend_port must be an integer from 1 to 65535."
  }
}

variable "health_check_path" {
  description = "HTTP path that answers 2xx once the server serves (Ollama: /; vLLM, TGI: /health, which answers only once the model is loaded); the health checks' path, and the script's wait before the warm-up."
  type        = string
  default     = "/"
  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with /."
  }
}

variable "autohealing_initial_delay_seconds" {
  description = "Seconds a new VM gets (driver install, image pull, model load) before autohealing may recreate it."
  type        = number
  default     = 600
  validation {
    condition     = var.autohealing_initial_delay_seconds >= 0 && var.autohealing_initial_delay_seconds <= 3600 && floor(var.autohealing_initial_delay_seconds) == var.autohealing_initial_delay_seconds
    error_message = "autohealing_initial_delay_seconds must be an integer from 0 to 3600."
  }
}

variable "request_timeout_seconds" {
  description = "Internal load balancer backend service timeout, in seconds: the longest a request (a streamed generation) may take."
  type        = number
  validation {
    condition     = var.request_timeout_seconds >= 600 && var.request_timeout_seconds <= 86400 && floor(var.request_timeout_seconds) == var.request_timeout_seconds
    error_message = "request_timeout_seconds must be an integer from 600 to 86400."
  }
}

variable "scales_in" {
  description = "Whether the functions remove VMs while others serve (max_size above desired_size): only then does the default draining timeout drain (it is waited out at every sleep too, billed)."
  type        = bool
  default     = false
  nullable    = false
}

variable "draining_timeout_seconds" {
  description = "Connection draining timeout of the backend service, in seconds: a VM removed from or stopped in a MIG (scale-in, sleep) gets no new requests and may finish its requests in flight for up to this long; the MIG deletes (stops) it up to 60 s later, billed until then. null: request_timeout_seconds (at most 3600) when scales_in, else 0. Shorter than the longest streamed answer cuts streams on scale-in; 0 turns draining off."
  type        = number
  default     = null
  validation {
    condition     = var.draining_timeout_seconds == null || try(var.draining_timeout_seconds >= 0 && var.draining_timeout_seconds <= 3600 && floor(var.draining_timeout_seconds) == var.draining_timeout_seconds, false)
    error_message = "draining_timeout_seconds must be null (the default) or an integer from 0 to 3600."
  }
}
