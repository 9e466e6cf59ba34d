variable "project_id" {
  description = "ID of the project that holds every Snooze resource."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of every GPU offer's MIG, the internal load balancer, the functions, Firestore and the scheduler job (e.g. us-central1): the internal load balancer reaches only its own region's backends."
  type        = string
  default     = "us-central1"
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a region such as us-central1."
  }
}

variable "zones" {
  description = "Zones of var.region an offer's regional MIG may use when the offer lists none of its own; with ANY_SINGLE_ZONE the MIG picks one that has the GPU in stock. List only zones that offer every such offer's gpu_type."
  type        = list(string)
  default     = ["us-central1-a", "us-central1-b", "us-central1-c"]
  validation {
    condition     = length(var.zones) > 0 && alltrue([for z in var.zones : can(regex("^[a-z]+-[a-z]+[0-9]+-[a-z]$", z))])
    error_message = "zones must be a non-empty list of zones such as [\"us-central1-a\"], all in var.region (checked by a precondition in main.tf)."
  }
}

variable "name" {
  description = "Prefix of every resource name; each GPU offer's MIG is \"<name>-<offer name>\" (\"<name>-gpu\" for the default offer)."
  type        = string
  default     = "snooze"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}[a-z0-9]$", var.name))
    error_message = "name must be 2 to 16 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "gpu_offers" {
  description = "The ways to get a GPU, in order of preference: the functions wake the first offer that gets capacity, giving each up after capacity_timeout_seconds without it. Each is a regional MIG \"<name>-<offer name>\" in var.region with a template of its own: machine_type, gpu_count x gpu_type, provisioning_model STANDARD (on-demand) or SPOT (cheaper, preemptible) with termination_action STOP (the default) or DELETE, and zones (var.zones when unset; only zones that offer gpu_type); hourly_price, the price of one hour of one of its VMs (GPU and host), in the currency of budget's money caps, which need it on every offer (SNOOZE_GPU_PRICES). 1 to 4 offers, names unique. The default is the one on-demand L4 MIG \"<name>-gpu\" of deployments made before offers; keep the name \"gpu\" for that MIG to keep it."
  type = list(object({
    name               = string
    machine_type       = string
    gpu_type           = string
    gpu_count          = optional(number, 1)
    provisioning_model = optional(string, "STANDARD")
    termination_action = optional(string)
    zones              = optional(list(string))
    hourly_price       = optional(number)
  }))
  default = [{
    name         = "gpu"
    machine_type = "g2-standard-8"
    gpu_type     = "nvidia-l4"
    gpu_count    = 1
  }]
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
    error_message = "Each gpu_offers name must be 1 to 20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen (the MIG is \"<name>-<offer name>\")."
  }
  validation {
    condition     = length(distinct([for o in var.gpu_offers : o.name])) == length(var.gpu_offers)
    error_message = "gpu_offers names must be unique: each offer is a MIG of its own."
  }
  validation {
    condition     = alltrue([for o in var.gpu_offers : contains(["SPOT", "STANDARD"], o.provisioning_model)])
    error_message = "Each gpu_offers provisioning_model must be SPOT or STANDARD (on-demand; the default)."
  }
  validation {
    condition     = alltrue([for o in var.gpu_offers : o.termination_action == null ? true : (o.provisioning_model == "SPOT" && contains(["STOP", "DELETE"], o.termination_action))])
    error_message = "A gpu_offers termination_action is STOP or DELETE, and only for a SPOT offer (what preemption does to its VMs; unset: STOP)."
  }
  validation {
    condition     = alltrue([for o in var.gpu_offers : can(regex("^[a-z][a-z0-9]*-[a-z0-9-]+$", o.machine_type)) && can(regex("^nvidia-[a-z0-9-]+$", o.gpu_type)) && contains([1, 2, 4, 8], o.gpu_count)])
    error_message = "Each gpu_offers entry needs a machine_type such as g2-standard-8, a gpu_type such as nvidia-l4, and a gpu_count of 1, 2, 4 or 8 that the machine type accepts."
  }
  validation {
    condition     = alltrue([for o in var.gpu_offers : o.zones == null ? true : (length(o.zones) > 0 && alltrue([for z in o.zones : can(regex("^[a-z]+-[a-z]+[0-9]+-[a-z]$", z))]))])
    error_message = "A gpu_offers zones list, when set, must be a non-empty list of zones such as [\"us-central1-a\"], all in var.region (checked by a precondition in main.tf)."
  }
  validation {
    condition     = alltrue([for o in var.gpu_offers : o.hourly_price == null ? true : o.hourly_price >= 0])
    error_message = "A gpu_offers hourly_price, when set, must be 0 or more: the price of one hour of one of the offer's VMs."
  }
}

variable "capacity_timeout_seconds" {
  description = "Seconds an offer may go without capacity (no GPU in stock, no quota) before the functions give it up, resizing it to 0, and wake the next offer (SNOOZE_CAPACITY_TIMEOUT)."
  type        = number
  default     = 120
  validation {
    condition     = var.capacity_timeout_seconds >= 30 && var.capacity_timeout_seconds <= 3600 && floor(var.capacity_timeout_seconds) == var.capacity_timeout_seconds
    error_message = "capacity_timeout_seconds must be an integer from 30 to 3600."
  }
}

variable "backend_image" {
  description = "Container image served on the GPU VMs, run unchanged with --gpus all (e.g. ollama/ollama or REGION-docker.pkg.dev/PROJECT/REPO/IMAGE:TAG)."
  type        = string
  default     = "ollama/ollama"
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$", var.backend_image))
    error_message = "backend_image must be a container image reference such as ollama/ollama:0.5.7."
  }
}

variable "backend_port" {
  description = "TCP port the backend container listens on (Ollama: 11434); the VM publishes the same port."
  type        = number
  default     = 11434
  validation {
    condition     = var.backend_port >= 1 && var.backend_port <= 65535 && floor(var.backend_port) == var.backend_port && var.backend_port != 8080
    error_message = "backend_port must be an integer from 1 to 65535, other than the frontend's 8080."
  }
}

variable "backend_env" {
  description = "Environment variables of the backend container (e.g. {OLLAMA_NUM_PARALLEL = \"4\"}); values must not contain single quotes. OLLAMA_KEEP_ALIVE is \"-1\" (the model stays loaded while the GPU is awake; the GPU itself sleeps after idle_timeout_seconds) unless set here, to at least idle_timeout_seconds."
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
  description = "Ollama model every woken GPU serves (e.g. llama3.2 or qwen2.5:7b), or null: pulled unless the VM's disk has it, and loaded, before the GPU is ready (the frontend holds requests until then). For the default backend_image, ollama/ollama; other servers use backend_warmup."
  type        = string
  default     = null
  validation {
    condition     = var.backend_model == null || can(regex("^[A-Za-z0-9][A-Za-z0-9._/-]*(:[A-Za-z0-9._-]+)?$", var.backend_model))
    error_message = "backend_model must be an Ollama model name such as llama3.2 or qwen2.5:7b (letters, digits, . _ / - and an optional :tag)."
  }
}

variable "backend_warmup" {
  description = "Requests the GPU VM sends to its own container at every boot, in order and after backend_model's, before the load balancer may reach it and before the GPU is ready; each is retried until it answers 2xx. method is POST (the default; body is JSON) or GET (no body): for vLLM [{method = \"GET\", path = \"/v1/models\"}]. Neither path nor body may contain single quotes."
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

variable "boot_image" {
  description = "Boot image of the GPU VMs. The default, the Deep Learning VM family common-cu129-ubuntu-2404-nvidia-580, has the NVIDIA driver preinstalled (the startup script adds Docker and the NVIDIA Container Toolkit only to an image that lacks them); a DLVM family without -nvidia-NNN installs the driver at first boot (minutes); a custom image with the container image baked in is faster still."
  type        = string
  default     = "projects/deeplearning-platform-release/global/images/family/common-cu129-ubuntu-2404-nvidia-580"
  validation {
    condition     = can(regex("^projects/[a-z0-9-]+/global/images/", var.boot_image))
    error_message = "boot_image must be projects/P/global/images/NAME or projects/P/global/images/family/F."
  }
}

variable "expected_wake_seconds" {
  description = "How long a whole wake is expected to take, in seconds, until this deployment has measured one (SNOOZE_EXPECTED_WAKE of the functions and the frontend; Status learns the real stage times from then on). null: a guess from boot_image and sleep_mode (driver preinstalled: 150 with delete, 90 with stop; installed at boot: 270, 120)."
  type        = number
  default     = null
  validation {
    condition     = var.expected_wake_seconds == null || try(var.expected_wake_seconds >= 10 && var.expected_wake_seconds <= 3600 && floor(var.expected_wake_seconds) == var.expected_wake_seconds, false)
    error_message = "expected_wake_seconds must be null (a guess from boot_image and sleep_mode) or an integer from 10 to 3600, below wake_timeout_seconds."
  }
}

variable "frontend_image" {
  description = "Container image of the Snooze frontend (dev.snooze.frontend.Main), e.g. REGION-docker.pkg.dev/PROJECT/snooze/frontend:TAG."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$", var.frontend_image))
    error_message = "frontend_image must be a container image reference."
  }
}

variable "iap_members" {
  description = "Principals allowed through IAP to the page and the API (e.g. user:a@example.com, group:team@example.com). Never allUsers or allAuthenticatedUsers."
  type        = list(string)
  validation {
    condition     = length(var.iap_members) > 0 && alltrue([for m in var.iap_members : can(regex("^(user|group|serviceAccount|domain|principal|principalSet):.+$", m))])
    error_message = "iap_members must be a non-empty list of IAM principals such as user:a@example.com; allUsers and allAuthenticatedUsers are refused."
  }
}

variable "iap_oauth_client" {
  description = "Custom OAuth client for IAP ({client_id, client_secret}), needed when var.iap_members are outside the project's organization or the project has none; null uses IAP's Google-managed client. Pass the secret as TF_VAR_iap_oauth_client, never in a committed file."
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

variable "domain" {
  description = "Fully qualified domain name of the page; point its A record at the output lb_ip so the Google-managed certificate can be provisioned. null (no domain at hand): the page is <a-b-c-d>.sslip.io for the load balancer's address a.b.c.d, which resolves there with no DNS work (README, \"No domain? sslip.io\")."
  type        = string
  default     = null
  validation {
    condition     = var.domain == null ? true : can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be null or a lowercase fully qualified domain name such as llm.example.com."
  }
}

variable "idle_timeout_seconds" {
  description = "Seconds without activity before the GPU sleeps (the functions' SNOOZE_IDLE_TIMEOUT), e.g. 900 for 15 minutes; more than 10, the functions' activity write granularity."
  type        = number
  default     = 900
  validation {
    condition     = var.idle_timeout_seconds > 10 && floor(var.idle_timeout_seconds) == var.idle_timeout_seconds
    error_message = "idle_timeout_seconds must be an integer above 10 (the functions' activity write granularity), e.g. 900 for 15 minutes."
  }
}

variable "sleep_mode" {
  description = "How the GPU sleeps: delete (resize the MIG to 0: nothing billed but the image and model are pulled again at wake) or stop (stop the VMs: their disks are billed, wake is faster)."
  type        = string
  default     = "delete"
  validation {
    condition     = contains(["delete", "stop"], var.sleep_mode)
    error_message = "sleep_mode must be delete or stop."
  }
}

variable "request_timeout_seconds" {
  description = "Longest a proxied request to the GPU backend may take, in seconds (the internal load balancer's backend service timeout and the frontend's SNOOZE_REQUEST_TIMEOUT)."
  type        = number
  default     = 900
  validation {
    condition     = var.request_timeout_seconds >= 600 && var.request_timeout_seconds <= 86400 && floor(var.request_timeout_seconds) == var.request_timeout_seconds
    error_message = "request_timeout_seconds must be an integer from 600 to 86400."
  }
}

variable "wake_timeout_seconds" {
  description = "How long the frontend holds a request while the GPU wakes, and after which the functions report a wake as ERROR, in seconds (SNOOZE_WAKE_TIMEOUT of both)."
  type        = number
  default     = 600
  validation {
    condition     = var.wake_timeout_seconds >= 60 && var.wake_timeout_seconds <= 3600 && floor(var.wake_timeout_seconds) == var.wake_timeout_seconds
    error_message = "wake_timeout_seconds must be an integer from 60 to 3600."
  }
}

variable "functions_jar" {
  description = "Path to the functions uber-jar (functions/target/snooze-functions-all.jar); it is zipped and uploaded as the source of the gen2 functions."
  type        = string
  default     = "../functions/target/snooze-functions-all.jar"
  validation {
    condition     = endswith(var.functions_jar, ".jar")
    error_message = "functions_jar must be the path of a .jar file."
  }
}

variable "desired_size" {
  description = "GPU VMs while awake (SNOOZE_DESIRED_SIZE)."
  type        = number
  default     = 1
  validation {
    condition     = var.desired_size >= 1 && var.desired_size <= 100 && floor(var.desired_size) == var.desired_size
    error_message = "desired_size must be an integer from 1 to 100."
  }
}

variable "max_size" {
  description = "Most GPU VMs while awake (the functions' SNOOZE_MAX_SIZE): the functions grow the awake offer's MIG from desired_size up to max_size as requests in flight grow (one VM per target_in_flight) and shrink it once demand has been lower for scale_in_delay_seconds. null: desired_size, a fixed size while awake. An integer from 1 to 100, at least desired_size (checked by a precondition in main.tf)."
  type        = number
  default     = null
  validation {
    condition     = var.max_size == null || try(var.max_size >= 1 && var.max_size <= 100 && floor(var.max_size) == var.max_size, false)
    error_message = "max_size must be null (desired_size) or an integer from 1 to 100, at least desired_size."
  }
}

variable "target_in_flight" {
  description = "Requests in flight per GPU VM the functions aim for (SNOOZE_TARGET_IN_FLIGHT): while awake the MIG has ceil(requests in flight across the frontends / target_in_flight) VMs, from desired_size to max_size. About what one VM serves at once (Ollama: OLLAMA_NUM_PARALLEL in backend_env)."
  type        = number
  default     = 4
  validation {
    condition     = var.target_in_flight >= 1 && var.target_in_flight <= 1000 && floor(var.target_in_flight) == var.target_in_flight
    error_message = "target_in_flight must be an integer from 1 to 1000."
  }
}

variable "scale_in_delay_seconds" {
  description = "How long demand must have been lower before the functions remove GPU VMs, in seconds (SNOOZE_SCALE_IN_DELAY): the stable window that keeps a short lull from removing a VM the next burst needs again. Matters only with max_size above desired_size."
  type        = number
  default     = 300
  validation {
    condition     = var.scale_in_delay_seconds >= 60 && var.scale_in_delay_seconds <= 3600 && floor(var.scale_in_delay_seconds) == var.scale_in_delay_seconds
    error_message = "scale_in_delay_seconds must be an integer from 60 to 3600."
  }
}

variable "draining_timeout_seconds" {
  description = "Connection draining timeout of the internal load balancer's backend service, in seconds: a GPU VM the functions remove or stop (scale-in, and every sleep) gets no new requests, may finish its requests in flight for up to this long, and is deleted (stopped) up to 60 s after it, billed until then. null: request_timeout_seconds, at most 3600 (the API's maximum), when max_size is above desired_size, else 0 (no VM is removed while others serve, and every sleep would wait it out). A value shorter than the longest streamed answer cuts streams on scale-in; 0 turns draining off."
  type        = number
  default     = null
  validation {
    condition     = var.draining_timeout_seconds == null || try(var.draining_timeout_seconds >= 0 && var.draining_timeout_seconds <= 3600 && floor(var.draining_timeout_seconds) == var.draining_timeout_seconds, false)
    error_message = "draining_timeout_seconds must be null (the default) or an integer from 0 to 3600."
  }
}

variable "warm_windows" {
  description = "Times the GPU is kept awake whatever the traffic, woken a wake ahead so that it is ready at the start (the functions' SNOOZE_WARM_WINDOWS, joined with \"; \"), each \"DAYS HH:MM-HH:MM ZONE\": DAYS Mon, Mon-Fri, Sat,Sun or Daily; an end before the start runs past midnight (22:00-02:00); ZONE an IANA time zone. E.g. [\"Mon-Fri 09:00-17:30 Europe/Warsaw\"]; [] for none."
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
  description = "The GPU budget the functions enforce from their own ledger of GPU time: caps per day and per calendar month (any of them, null for none) in GPU hours (SNOOZE_BUDGET_GPU_HOURS_PER_DAY, _PER_MONTH) or money (SNOOZE_BUDGET_MONEY_PER_DAY, _PER_MONTH, counted from each offer's hourly_price in gpu_offers, which every offer then needs); zone, the IANA time zone whose midnight begins days and months (SNOOZE_BUDGET_ZONE); grace_seconds, how long an awake GPU may still serve requests in flight once a cap is reached (SNOOZE_BUDGET_GRACE). Once a cap is reached nothing wakes the GPU until its period ends."
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

variable "billing_budget" {
  description = "A Cloud Billing budget on this project's spend per calendar month, a second, slower brake than budget (Cloud Billing's figures lag usage by hours): every update goes to a Pub/Sub topic whose BillingAlert function refuses wakes once costAmount reaches budgetAmount, until the budget's next month. billing_account (XXXXXX-XXXXXX-XXXXXX; applying needs Billing Account Costs Manager on it), amount in currency_code (the billing account's currency), thresholds as fractions of the amount (e-mails to the billing account's administrators; alertThresholdExceeded in the notifications). null: none."
  type = object({
    billing_account = string
    amount          = number
    currency_code   = optional(string, "USD")
    thresholds      = optional(list(number), [0.5, 0.9, 1.0])
  })
  default = null
  validation {
    condition     = var.billing_budget == null ? true : can(regex("^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$", var.billing_budget.billing_account))
    error_message = "billing_budget billing_account must be a billing account ID such as 012345-6789AB-CDEF01."
  }
  validation {
    condition     = var.billing_budget == null ? true : var.billing_budget.amount > 0
    error_message = "billing_budget amount must be more than 0."
  }
  validation {
    condition     = var.billing_budget == null ? true : can(regex("^[A-Z]{3}$", var.billing_budget.currency_code))
    error_message = "billing_budget currency_code must be an ISO 4217 code such as USD or EUR, the billing account's currency."
  }
  validation {
    condition     = var.billing_budget == null ? true : length(var.billing_budget.thresholds) > 0 && alltrue([for t in var.billing_budget.thresholds : t > 0 && t <= 10])
    error_message = "billing_budget thresholds must list at least one fraction of the amount, each above 0 and at most 10 (1.0 is 100%)."
  }
}
