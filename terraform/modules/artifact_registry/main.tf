# Artifact Registry: the Docker repository that holds Snooze's own images (the frontend, and
# optionally a mirrored GPU backend image). The modules that pull from it are given its
# location and name and grant their identities read access on it only.

resource "google_artifact_registry_repository" "images" {
  project       = var.project_id
  location      = var.region
  repository_id = var.name
  description   = "Snooze container images (frontend, and optionally a mirrored GPU backend image)."
  format        = "DOCKER"
  labels = {
    app = "snooze"
  }
}
