package dev.snooze.frontend.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What wakes a sleeping GPU before the first prompt ({@code SNOOZE_WAKE_ON}): the page tells the
 * frontend when it was opened or when typing began ({@code POST /snooze/intent}), and the frontend
 * publishes an intent only for the trigger configured here, so the boot overlaps the time a person
 * spends writing. A prompt always wakes it, whatever this says.
 */
public enum WakeOn {
  /** Opening the page wakes the GPU: the most overlap, and a wake for every visit that asks nothing. */
  OPEN("open"),
  /** The first keystroke in the prompt wakes it: a visit that only looks costs nothing. */
  TYPING("typing"),
  /** Only a prompt wakes it (as before intents existed). */
  SEND("send");

  /** What {@code SNOOZE_WAKE_ON} may be, for the message naming a bad value. */
  public static final String EXPECTED = "open (opening the page wakes the GPU), typing (the first keystroke"
      + " in the prompt does) or send (only a prompt does)";

  private final String wire;

  WakeOn(String wire) {
    this.wire = wire;
  }

  /** Its name in {@code SNOOZE_WAKE_ON}, in {@code GET /snooze/status} and as the page's trigger. */
  public String wire() {
    return wire;
  }

  /** Whether the page's {@code trigger} ("open" or "typing") is the one that wakes the GPU. */
  public boolean accepts(String trigger) {
    return this != SEND && wire.equals(trigger);
  }

  public static Optional<WakeOn> fromWire(String name) {
    String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(w -> w.wire.equals(lower)).findFirst();
  }
}
