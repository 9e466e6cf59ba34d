output "id" {
  description = "ID of the repository (projects/P/locations/L/repositories/R)."
  value       = google_artifact_registry_repository.images.id
}

output "name" {
  description = "Short name (repository ID) of the repository, for IAM bindings on it."
  value       = google_artifact_registry_repository.images.name
}

output "location" {
  description = "Location of the repository, for IAM bindings on it."
  value       = google_artifact_registry_repository.images.location
}

output "url" {
  description = "Image prefix of the repository (REGION-docker.pkg.dev/PROJECT/NAME): push images under it."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}
