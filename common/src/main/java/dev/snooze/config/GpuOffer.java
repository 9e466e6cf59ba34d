package dev.snooze.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One way to get a GPU: a managed instance group with its own template (machine type, GPU,
 * provisioning model). The operator lists offers in order of preference in {@code SNOOZE_OFFERS};
 * the functions wake the first that gets capacity and the local stack simulates the same groups.
 *
 * @param mig the MIG's name, unique among the offers (it names the offer in state, logs and Status)
 * @param location a zone (a zonal MIG) or a region (a regional MIG)
 * @param model SPOT VMs are cheaper and can be preempted; STANDARD ones are not
 */
public record GpuOffer(String mig, String location, ProvisioningModel model) {

  /** The template's {@code scheduling.provisioningModel}. */
  public enum ProvisioningModel { STANDARD, SPOT }

  /** How {@code SNOOZE_OFFERS} is written, for error messages and docs. */
  public static final String FORMAT = "comma-separated offers in order of preference, each MIG@LOCATION"
      + " with an optional :SPOT or :STANDARD (the default), LOCATION a region or a zone,"
      + " e.g. snooze-gpu-spot@us-central1:SPOT,snooze-gpu@us-central1";

  private static final Pattern ENTRY = Pattern.compile("([^@:\\s]+)@([^@:\\s]+)(?::([A-Za-z]+))?");

  public GpuOffer {
    if (mig == null || !GcpNames.RESOURCE_NAME.matcher(mig).matches()) {
      throw new IllegalArgumentException("MIG name '" + mig + "' is invalid: " + GcpNames.RESOURCE_NAME_EXPECTED);
    }
    if (location == null || !(GcpNames.ZONE.matcher(location).matches()
        || GcpNames.REGION.matcher(location).matches())) {
      throw new IllegalArgumentException("location '" + location + "' of MIG " + mig
          + " is invalid: " + GcpNames.REGION_EXPECTED + ", or " + GcpNames.ZONE_EXPECTED);
    }
    if (model == null) {
      throw new IllegalArgumentException("provisioning model of MIG " + mig + " is missing");
    }
  }

  /** A zonal MIG (its location is a zone) rather than a regional one. */
  public boolean zonal() {
    return GcpNames.ZONE.matcher(location).matches();
  }

  public boolean spot() {
    return model == ProvisioningModel.SPOT;
  }

  /** {@code MIG@LOCATION:MODEL}, as {@link #parseList} reads it. */
  @Override
  public String toString() {
    return mig + "@" + location + ":" + model;
  }

  /**
   * Reads {@link #FORMAT}.
   *
   * @throws IllegalArgumentException saying what is wrong with which entry (without the variable
   *     name, which the caller adds)
   */
  public static List<GpuOffer> parseList(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException("is empty: list at least one offer");
    }
    List<GpuOffer> offers = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String part : raw.split(",", -1)) {
      String entry = part.strip();
      Matcher m = ENTRY.matcher(entry);
      if (!m.matches()) {
        throw new IllegalArgumentException("has a malformed offer '" + entry + "'");
      }
      ProvisioningModel model = ProvisioningModel.STANDARD;
      if (m.group(3) != null) {
        try {
          model = ProvisioningModel.valueOf(m.group(3).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("names an unknown provisioning model '" + m.group(3)
              + "' in '" + entry + "': use SPOT or STANDARD");
        }
      }
      GpuOffer offer;
      try {
        offer = new GpuOffer(m.group(1), m.group(2), model);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("has an invalid offer '" + entry + "': " + e.getMessage());
      }
      if (!names.add(offer.mig())) {
        throw new IllegalArgumentException("lists MIG " + offer.mig() + " twice: each offer needs a MIG of its own");
      }
      offers.add(offer);
    }
    return List.copyOf(offers);
  }

  /** The inverse of {@link #parseList}. */
  public static String format(List<GpuOffer> offers) {
    return offers.stream().map(GpuOffer::toString).collect(Collectors.joining(","));
  }
}
