package dev.snooze.config;

import java.util.regex.Pattern;

/**
 * The shapes of Google Cloud names that Snooze's settings hold, one home for each: every module
 * validates a project, a zone or a topic the same way, and says the same thing when it is wrong.
 * Each pattern comes with the words an error message uses for it ({@code *_EXPECTED}).
 */
public final class GcpNames {
  private GcpNames() {}

  /**
   * A project ID (6 to 30 lowercase letters, digits or hyphens, starting with a letter), or a
   * legacy domain-scoped one ({@code example.com:my-project}), which the APIs accept too.
   */
  public static final Pattern PROJECT =
      Pattern.compile("(?:[a-z0-9][a-z0-9.-]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]");
  public static final String PROJECT_EXPECTED =
      "a project ID: 6 to 30 lowercase letters, digits or hyphens, starting with a letter";

  /** A Compute Engine zone, e.g. {@code us-central1-a}. */
  public static final Pattern ZONE = Pattern.compile("[a-z]+-[a-z]+[0-9]+-[a-z]");
  public static final String ZONE_EXPECTED = "a zone such as us-central1-a";

  /** A Compute Engine region, e.g. {@code us-central1}. */
  public static final Pattern REGION = Pattern.compile("[a-z]+-[a-z]+[0-9]+");
  public static final String REGION_EXPECTED = "a region such as us-central1";

  /** A Compute Engine resource name (RFC 1035 label), e.g. a MIG's. */
  public static final Pattern RESOURCE_NAME = Pattern.compile("[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?");
  public static final String RESOURCE_NAME_EXPECTED =
      "a name of lowercase letters, digits and hyphens, starting with a letter (at most 63)";

  /** A Pub/Sub topic or subscription ID. */
  public static final Pattern TOPIC = Pattern.compile("[A-Za-z][-A-Za-z0-9._~%+]{2,254}");
  public static final String TOPIC_EXPECTED =
      "a Pub/Sub topic ID: 3 to 255 letters, digits or -._~%+, starting with a letter";

  /** An emulator's {@code HOST:PORT}. */
  public static final Pattern HOST_PORT = Pattern.compile("[^\\s:/]+:\\d{1,5}");
  public static final String HOST_PORT_EXPECTED = "the emulator's HOST:PORT, e.g. 127.0.0.1:8086";
}
