package dev.snooze.functions.race;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * System.out and System.err, silenced while a property runs. The Controller's JSON log takes the
 * console streams when its class loads; installed before that, these streams let the log be
 * dropped during the tens of thousands of runs (each printed again on every retrace, see {@link
 * Invocation}), which the surefire report would otherwise keep as tens of megabytes. Outside
 * {@link #mute()}..{@link #unmute()} everything passes through unchanged. A failure's own message
 * carries the trace of what happened.
 */
final class QuietConsole {
  private static volatile boolean muted;

  private QuietConsole() {}

  /** Puts the switchable streams in place of System.out and System.err; once. */
  static synchronized void install() {
    if (!(System.out instanceof Switchable)) {
      System.setOut(new Switchable(System.out));
      System.setErr(new Switchable(System.err));
    }
  }

  static void mute() {
    muted = true;
  }

  static void unmute() {
    muted = false;
  }

  private static final class Switchable extends PrintStream {
    Switchable(OutputStream target) {
      super(target, true);
    }

    @Override
    public void write(int b) {
      if (!muted) {
        super.write(b);
      }
    }

    @Override
    public void write(byte[] buf, int off, int len) {
      if (!muted) {
        super.write(buf, off, len);
      }
    }
  }
}
