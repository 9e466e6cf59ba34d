package dev.snooze.local.compute;

/**
 * An error a group met creating, starting or recreating a VM: what the operation ends with, what
 * {@code listErrors} lists and what an instance's {@code lastAttempt} shows.
 *
 * @param quotaMetric for QUOTA_EXCEEDED, the metric ({@code NVIDIA_L4_GPUS}); null otherwise
 * @param region for QUOTA_EXCEEDED, the quota's region; null otherwise
 */
record CapacityError(StockoutKind kind, String message, String quotaMetric, String region) {

  String code() {
    return kind.code();
  }
}
