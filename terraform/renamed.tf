# Settings renamed so that each has one name, with its unit, from the root to every module.
# The old names stay only to refuse a value still set under them: Terraform merely warns about
# an undeclared variable in a .tfvars file (and ignores TF_VAR_ ones), so a renamed timeout
# would otherwise fall back to its default without a word. Remove them in a later release.

variable "idle_timeout" {
  description = "Renamed idle_timeout_seconds, which takes a number of seconds (\"15m\" is 900); setting it is an error."
  type        = string
  default     = null
  validation {
    condition     = var.idle_timeout == null
    error_message = "idle_timeout was renamed idle_timeout_seconds and takes a number of seconds: \"15m\" is 900, \"1h\" is 3600."
  }
}

variable "wake_timeout_sec" {
  description = "Renamed wake_timeout_seconds; setting it is an error."
  type        = number
  default     = null
  validation {
    condition     = var.wake_timeout_sec == null
    error_message = "wake_timeout_sec was renamed wake_timeout_seconds (same value, in seconds)."
  }
}

variable "backend_timeout_sec" {
  description = "Renamed request_timeout_seconds; setting it is an error."
  type        = number
  default     = null
  validation {
    condition     = var.backend_timeout_sec == null
    error_message = "backend_timeout_sec was renamed request_timeout_seconds (same value, in seconds)."
  }
}

# Settings that became fields of each GPU offer (gpu_offers). Refused rather than kept working:
# two ways to say which GPU the MIG gets would leave it unclear which wins; the message says
# what to write instead, with the name "gpu" that keeps the deployment's MIG.

variable "machine_type" {
  description = "Moved into gpu_offers (each offer's machine_type); setting it is an error."
  type        = string
  default     = null
  validation {
    condition     = var.machine_type == null
    error_message = "machine_type moved into gpu_offers: replace machine_type, gpu_type and gpu_count with gpu_offers = [{ name = \"gpu\", machine_type = \"g2-standard-8\", gpu_type = \"nvidia-l4\", gpu_count = 1 }] holding your values (the name \"gpu\" keeps your MIG <name>-gpu)."
  }
}

variable "gpu_type" {
  description = "Moved into gpu_offers (each offer's gpu_type); setting it is an error."
  type        = string
  default     = null
  validation {
    condition     = var.gpu_type == null
    error_message = "gpu_type moved into gpu_offers: replace machine_type, gpu_type and gpu_count with gpu_offers = [{ name = \"gpu\", machine_type = \"g2-standard-8\", gpu_type = \"nvidia-l4\", gpu_count = 1 }] holding your values (the name \"gpu\" keeps your MIG <name>-gpu)."
  }
}

variable "gpu_count" {
  description = "Moved into gpu_offers (each offer's gpu_count); setting it is an error."
  type        = number
  default     = null
  validation {
    condition     = var.gpu_count == null
    error_message = "gpu_count moved into gpu_offers: replace machine_type, gpu_type and gpu_count with gpu_offers = [{ name = \"gpu\", machine_type = \"g2-standard-8\", gpu_type = \"nvidia-l4\", gpu_count = 1 }] holding your values (the name \"gpu\" keeps your MIG <name>-gpu)."
  }
}
