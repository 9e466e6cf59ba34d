# Terraform and provider versions: the root's constraints (terraform/versions.tf), for the
# providers this module uses.
terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.50"
    }
  }
}
