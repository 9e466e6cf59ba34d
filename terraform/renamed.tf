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
