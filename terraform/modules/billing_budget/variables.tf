variable "project_id" {
  description = "Project whose spend the budget tracks, and which holds the billing topic."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "name" {
  description = "Snooze's resource name prefix; the budget is displayed as \"Snooze <name> (<project_id>)\"."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}[a-z0-9]$", var.name))
    error_message = "name must be 2 to 16 lowercase letters, digits or hyphens."
  }
}

variable "billing_account" {
  description = "ID of the Cloud Billing account the project is billed to (XXXXXX-XXXXXX-XXXXXX); whoever applies needs Billing Account Costs Manager (or Administrator) on it."
  type        = string
  validation {
    condition     = can(regex("^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$", var.billing_account))
    error_message = "billing_account must be a billing account ID such as 012345-6789AB-CDEF01."
  }
}

variable "amount" {
  description = "The budget per calendar month, in currency_code: BillingAlert refuses wakes once the month's spend reaches it."
  type        = number
  validation {
    condition     = var.amount > 0
    error_message = "amount must be more than 0."
  }
}

variable "currency_code" {
  description = "ISO 4217 code of the amount; it must be the billing account's currency."
  type        = string
  default     = "USD"
  validation {
    condition     = can(regex("^[A-Z]{3}$", var.currency_code))
    error_message = "currency_code must be an ISO 4217 code such as USD or EUR."
  }
}

variable "thresholds" {
  description = "Fractions of the amount (1.0 is 100%) past which Cloud Billing e-mails the billing account's administrators and users, and past which the notifications' alertThresholdExceeded is set."
  type        = list(number)
  default     = [0.5, 0.9, 1.0]
  validation {
    condition     = length(var.thresholds) > 0 && alltrue([for t in var.thresholds : t > 0 && t <= 10])
    error_message = "thresholds must list at least one fraction of the amount, each above 0 and at most 10 (1.0 is 100%)."
  }
}

variable "topic_id" {
  description = "ID (projects/P/topics/T) of the topic the budget publishes every update to: the controller's billing topic (output billing_topic_id)."
  type        = string
  validation {
    condition     = can(regex("^projects/[^/]+/topics/[^/]+$", var.topic_id))
    error_message = "topic_id must be a topic ID: projects/PROJECT/topics/TOPIC."
  }
}
