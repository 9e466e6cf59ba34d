package dev.snooze.local.compute;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of an instance's VM, from the start of a boot until it was stopped or deleted, with
 * the guest attributes the VM wrote meanwhile. The stages its startup script reported are not
 * stored: they follow from {@code bootFrom} and {@code boot} (see {@link Lifecycle#reportedStages}).
 *
 * @param endedAt when the VM was stopped, preempted or deleted; null while it runs
 * @param written the VM's own writes, by {@link GuestAttribute#path()}, in the order first written
 */
record VmRun(Instant bootFrom, BootTimes boot, Instant endedAt, Map<String, GuestAttribute> written) {

  VmRun {
    written = Collections.unmodifiableMap(new LinkedHashMap<>(written));
  }

  VmRun ended(Instant at, Map<String, GuestAttribute> writtenMeanwhile) {
    return new VmRun(bootFrom, boot, at, writtenMeanwhile);
  }
}
