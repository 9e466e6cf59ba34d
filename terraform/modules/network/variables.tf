variable "project_id" {
  description = "Project that holds the network."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the subnets, the router and the NAT."
  type        = string
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a region such as us-central1."
  }
}

variable "name" {
  description = "Prefix of the network resources' names."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}[a-z0-9]$", var.name))
    error_message = "name must be 2 to 16 lowercase letters, digits or hyphens."
  }
}

variable "subnet_cidr" {
  description = "Primary range of the subnet of the VMs and of the internal load balancer's address."
  type        = string
  default     = "10.10.0.0/24"
  validation {
    condition     = can(cidrhost(var.subnet_cidr, 0))
    error_message = "subnet_cidr must be an IPv4 CIDR range."
  }
}

variable "proxy_subnet_cidr" {
  description = "Range of the proxy-only subnet used by the regional internal Application Load Balancer's Envoy proxies (/26 or larger is recommended)."
  type        = string
  default     = "10.129.0.0/23"
  validation {
    condition     = can(cidrhost(var.proxy_subnet_cidr, 0)) && try(tonumber(split("/", var.proxy_subnet_cidr)[1]) <= 26, false)
    error_message = "proxy_subnet_cidr must be an IPv4 CIDR range of /26 or larger."
  }
}

variable "backend_port" {
  description = "Port of the GPU backend containers, opened to the health checkers and the internal load balancer's proxies."
  type        = number
  validation {
    condition     = var.backend_port >= 1 && var.backend_port <= 65535 && floor(var.backend_port) == var.backend_port
    error_message = "backend_port must be an integer from 1 to 65535."
  }
}

variable "frontend_port" {
  description = "Port of the frontend container, opened to the health checkers and the external load balancer's Google Front Ends."
  type        = number
  default     = 8080
  validation {
    condition     = var.frontend_port >= 1 && var.frontend_port <= 65535 && floor(var.frontend_port) == var.frontend_port
    error_message = "frontend_port must be an integer from 1 to 65535."
  }
}

variable "backend_tag" {
  description = "Network tag of the GPU VMs; the backend firewall rule targets it."
  type        = string
  default     = "snooze-gpu"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,62}$", var.backend_tag))
    error_message = "backend_tag must be a valid network tag."
  }
}

variable "frontend_tag" {
  description = "Network tag of the frontend VMs; the frontend firewall rule targets it."
  type        = string
  default     = "snooze-frontend"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,62}$", var.frontend_tag))
    error_message = "frontend_tag must be a valid network tag."
  }
}
