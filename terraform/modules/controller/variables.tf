variable "project_id" {
  description = "Project of the controller and of the GPU MIG it drives (SNOOZE_PROJECT)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the functions, the scheduler job, the bucket, Firestore, and of every offer's regional MIG (SNOOZE_REGION, and the location in SNOOZE_OFFERS)."
  type        = string
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a region such as us-central1."
  }
}

variable "name" {
  description = "Prefix of the resource names; the topic is \"<name>-activity\"."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}[a-z0-9]$", var.name))
    error_message = "name must be 2 to 16 lowercase letters, digits or hyphens."
  }
}

variable "firestore_location" {
  description = "Location of the (default) Firestore database; null uses var.region."
  type        = string
  default     = null
  validation {
    condition     = var.firestore_location == null || can(regex("^[a-z0-9-]+$", var.firestore_location))
    error_message = "firestore_location must be a Firestore location such as us-central1 or nam5."
  }
}

variable "create_firestore_database" {
  description = "Create the (default) Firestore database in Native mode; false when the project already has one."
  type        = bool
  default     = true
  validation {
    condition     = var.create_firestore_database != null
    error_message = "create_firestore_database must be true or false."
  }
}

variable "offers" {
  description = "The GPU offers in order of preference, as module gpu_backend outputs them: each a regional MIG in var.region (mig_name) and its provisioning model (SPOT or STANDARD). SNOOZE_OFFERS lists them all; SNOOZE_MIG is the first. At most 4: the Wake and Sleep timeouts grow with their number (a give-up and a wake per offer) up to 540 s, Cloud Functions' limit for an event-driven function."
  type = list(object({
    mig_name           = string
    provisioning_model = string
  }))
  validation {
    condition     = length(var.offers) >= 1 && length(var.offers) <= 4
    error_message = "offers must list 1 to 4 offers."
  }
  validation {
    condition     = alltrue([for o in var.offers : can(regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", o.mig_name))])
    error_message = "Each offers mig_name must be a Compute Engine resource name: lowercase letters, digits and hyphens, starting with a letter, at most 63."
  }
  validation {
    condition     = length(distinct([for o in var.offers : o.mig_name])) == length(var.offers)
    error_message = "offers mig_name values must be unique: each offer is a MIG of its own."
  }
  validation {
    condition     = alltrue([for o in var.offers : contains(["SPOT", "STANDARD"], o.provisioning_model)])
    error_message = "Each offers provisioning_model must be SPOT or STANDARD."
  }
}

variable "capacity_timeout_seconds" {
  description = "Seconds an offer may go without capacity before the functions give it up (resize it to 0) and wake the next (SNOOZE_CAPACITY_TIMEOUT)."
  type        = number
  default     = 120
  validation {
    condition     = var.capacity_timeout_seconds >= 30 && var.capacity_timeout_seconds <= 3600 && floor(var.capacity_timeout_seconds) == var.capacity_timeout_seconds
    error_message = "capacity_timeout_seconds must be an integer from 30 to 3600."
  }
}

variable "idle_timeout_seconds" {
  description = "Seconds without activity before the GPU sleeps (SNOOZE_IDLE_TIMEOUT)."
  type        = number
  validation {
    condition     = var.idle_timeout_seconds > 10 && floor(var.idle_timeout_seconds) == var.idle_timeout_seconds
    error_message = "idle_timeout_seconds must be an integer above 10 (the activity write granularity)."
  }
}

variable "wake_timeout_seconds" {
  description = "Seconds after which a wake that does not serve is reported as ERROR (SNOOZE_WAKE_TIMEOUT)."
  type        = number
  validation {
    condition     = var.wake_timeout_seconds >= 60 && var.wake_timeout_seconds <= 3600 && floor(var.wake_timeout_seconds) == var.wake_timeout_seconds
    error_message = "wake_timeout_seconds must be an integer from 60 to 3600."
  }
}

variable "expected_wake_seconds" {
  description = "How long a whole wake is expected to take, in seconds, before this deployment has measured one (SNOOZE_EXPECTED_WAKE): Status's ETA until then."
  type        = number
  validation {
    condition     = var.expected_wake_seconds >= 10 && var.expected_wake_seconds <= 3600 && floor(var.expected_wake_seconds) == var.expected_wake_seconds
    error_message = "expected_wake_seconds must be an integer from 10 to 3600."
  }
}

variable "desired_size" {
  description = "GPU VMs while awake (SNOOZE_DESIRED_SIZE)."
  type        = number
  validation {
    condition     = var.desired_size >= 1 && var.desired_size <= 100 && floor(var.desired_size) == var.desired_size
    error_message = "desired_size must be an integer from 1 to 100."
  }
}

variable "sleep_mode" {
  description = "delete or stop (SNOOZE_SLEEP_MODE)."
  type        = string
  validation {
    condition     = contains(["delete", "stop"], var.sleep_mode)
    error_message = "sleep_mode must be delete or stop."
  }
}

variable "state_collection" {
  description = "Firestore collection of the state documents (SNOOZE_STATE_COLLECTION)."
  type        = string
  default     = "snooze"
  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,100}$", var.state_collection))
    error_message = "state_collection must be letters, digits, '-' or '_'."
  }
}

variable "functions_jar" {
  description = "Path of the functions uber-jar; zipped (the jar alone at the zip's root) as the gen2 source."
  type        = string
  validation {
    condition     = endswith(var.functions_jar, ".jar")
    error_message = "functions_jar must be the path of a .jar file."
  }
}

variable "sleep_schedule" {
  description = "Cron schedule of the Sleep tick."
  type        = string
  default     = "* * * * *"
  validation {
    condition     = length(split(" ", var.sleep_schedule)) == 5
    error_message = "sleep_schedule must be a five-field cron expression."
  }
}
