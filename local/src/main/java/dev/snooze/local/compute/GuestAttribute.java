package dev.snooze.local.compute;

/** One guest attribute of a VM, as {@code instances.getGuestAttributes} lists it. */
record GuestAttribute(String namespace, String key, String value) {

  /** {@code namespace/key}: what a {@code variableKey} names. */
  String path() {
    return namespace + "/" + key;
  }
}
