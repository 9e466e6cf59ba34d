variable "project_id" {
  description = "Project of the repository."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the repository (its images are REGION-docker.pkg.dev/PROJECT/NAME/...)."
  type        = string
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a region such as us-central1."
  }
}

variable "name" {
  description = "Repository ID, also the prefix of the other Snooze resources' names."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}[a-z0-9]$", var.name))
    error_message = "name must be 2 to 16 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen."
  }
}
