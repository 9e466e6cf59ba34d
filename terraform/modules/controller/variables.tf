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

variable "max_size" {
  description = "Most GPU VMs while awake (SNOOZE_MAX_SIZE): the functions scale the awake offer's MIG between desired_size and max_size by requests in flight. null: desired_size (a fixed size while awake). At least desired_size (checked by a precondition of the functions)."
  type        = number
  default     = null
  validation {
    condition     = var.max_size == null || try(var.max_size >= 1 && var.max_size <= 100 && floor(var.max_size) == var.max_size, false)
    error_message = "max_size must be null (desired_size) or an integer from 1 to 100, at least desired_size."
  }
}

variable "target_in_flight" {
  description = "Requests in flight per GPU VM the functions aim for (SNOOZE_TARGET_IN_FLIGHT): ceil(requests in flight across the frontends / target_in_flight) VMs, from desired_size to max_size."
  type        = number
  default     = 4
  validation {
    condition     = var.target_in_flight >= 1 && var.target_in_flight <= 1000 && floor(var.target_in_flight) == var.target_in_flight
    error_message = "target_in_flight must be an integer from 1 to 1000."
  }
}

variable "scale_in_delay_seconds" {
  description = "How long demand must have been lower before the functions remove GPU VMs, in seconds (SNOOZE_SCALE_IN_DELAY)."
  type        = number
  default     = 300
  validation {
    condition     = var.scale_in_delay_seconds >= 60 && var.scale_in_delay_seconds <= 3600 && floor(var.scale_in_delay_seconds) == var.scale_in_delay_seconds
    error_message = "scale_in_delay_seconds must be an integer from 60 to 3600."
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

variable "check_interval_seconds" {
  description = "Seconds between two Sleep checks: the Cloud Scheduler job's period (every minute by default) and the functions' SNOOZE_CHECK_INTERVAL, which must agree. A whole number of minutes that divides an hour, so that the ticks are evenly spaced."
  type        = number
  default     = 60
  validation {
    condition     = contains([60, 120, 180, 240, 300, 360, 600, 720, 900, 1200, 1800], var.check_interval_seconds)
    error_message = "check_interval_seconds must be a whole number of minutes that divides an hour: 60, 120, 180, 240, 300, 360, 600, 720, 900, 1200 or 1800."
  }
}

variable "warm_windows" {
  description = "Times the GPU is kept awake, and woken ahead of, whatever the traffic (SNOOZE_WARM_WINDOWS, joined with \"; \"), each \"DAYS HH:MM-HH:MM ZONE\": DAYS Mon, Mon-Fri, Sat,Sun or Daily; an end before the start runs past midnight (22:00-02:00); ZONE an IANA time zone. E.g. [\"Mon-Fri 09:00-17:30 Europe/Warsaw\"]; [] for none."
  type        = list(string)
  default     = []
  nullable    = false
  validation {
    condition     = alltrue([for w in var.warm_windows : can(regex("^\\s*(?i:daily|(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?(,(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?)*)\\s+([01]?[0-9]|2[0-3]):[0-5][0-9]\\s*-\\s*([01]?[0-9]|2[0-3]):[0-5][0-9]\\s+(UTC|GMT|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})\\s*$", w))])
    error_message = "Each warm_windows entry must read DAYS HH:MM-HH:MM ZONE, e.g. \"Mon-Fri 09:00-17:30 Europe/Warsaw\": DAYS a day (Mon), a range (Mon-Fri), a comma-separated list (Sat,Sun) of Mon Tue Wed Thu Fri Sat Sun, or Daily; times from 00:00 to 23:59 (an end before the start runs past midnight: 22:00-02:00); ZONE an IANA time zone (Europe/Warsaw, America/New_York, UTC)."
  }
  validation {
    condition     = alltrue([for w in var.warm_windows : length(distinct([for t in regexall("([0-9]{1,2}):([0-9]{2})", w) : tonumber(t[0]) * 60 + tonumber(t[1])])) == 2 if can(regex("^\\s*(?i:daily|(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?(,(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?)*)\\s+([01]?[0-9]|2[0-3]):[0-5][0-9]\\s*-\\s*([01]?[0-9]|2[0-3]):[0-5][0-9]\\s+(UTC|GMT|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})\\s*$", w))])
    error_message = "A warm_windows entry starts and ends at the same time: give it a length (all day: 00:00-23:59)."
  }
}

variable "budget" {
  description = "The GPU budget the functions enforce from their own ledger of GPU time: caps per day and per calendar month (any of them, null for none) in GPU hours (SNOOZE_BUDGET_GPU_HOURS_PER_DAY, _PER_MONTH) or money (SNOOZE_BUDGET_MONEY_PER_DAY, _PER_MONTH, counted from gpu_hourly_prices, which must then price every offer); zone, the IANA time zone whose midnight begins days and months (SNOOZE_BUDGET_ZONE); grace_seconds, how long an awake GPU may still serve requests in flight once a cap is reached (SNOOZE_BUDGET_GRACE). Once a cap is reached nothing wakes the GPU until its period ends."
  type = object({
    gpu_hours_per_day   = optional(number)
    gpu_hours_per_month = optional(number)
    money_per_day       = optional(number)
    money_per_month     = optional(number)
    zone                = optional(string, "UTC")
    grace_seconds       = optional(number, 600)
  })
  default  = {}
  nullable = false
  validation {
    condition     = alltrue([for cap in [var.budget.gpu_hours_per_day, var.budget.gpu_hours_per_month, var.budget.money_per_day, var.budget.money_per_month] : cap == null ? true : cap >= 0])
    error_message = "budget caps (gpu_hours_per_day, gpu_hours_per_month, money_per_day, money_per_month) must be 0 or more, or unset for no cap."
  }
  validation {
    condition     = can(regex("^(UTC|GMT|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$", var.budget.zone))
    error_message = "budget zone must be an IANA time zone such as Europe/Warsaw, America/New_York or UTC."
  }
  validation {
    condition     = var.budget.grace_seconds >= 0 && var.budget.grace_seconds <= 86400 && floor(var.budget.grace_seconds) == var.budget.grace_seconds
    error_message = "budget grace_seconds must be a whole number of seconds from 0 to 86400."
  }
}

variable "gpu_hourly_prices" {
  description = "Price of one hour of one VM of each offer, by MIG name (offers' mig_name), in the currency of the budget's money caps (SNOOZE_GPU_PRICES, MIG=PRICE); needed for every offer when the budget has a money cap, else only shown."
  type        = map(number)
  default     = {}
  nullable    = false
  validation {
    condition     = alltrue([for mig, price in var.gpu_hourly_prices : price >= 0 && can(regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", mig))])
    error_message = "gpu_hourly_prices must map offers' MIG names to prices of 0 or more."
  }
}

variable "billing_alert" {
  description = "Create the billing topic, which a Cloud Billing budget publishes its spend to (module billing_budget), and the BillingAlert function it triggers, with the same environment as the others: no wake once the spend reaches the budget's amount, until its next period."
  type        = bool
  default     = false
  nullable    = false
  validation {
    condition     = var.billing_alert != null
    error_message = "billing_alert must be true or false."
  }
}
