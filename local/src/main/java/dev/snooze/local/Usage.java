package dev.snooze.local;

/** {@code --help}: the options and every knob the run command reads, with its default. */
final class Usage {
  private Usage() {}

  static String text() {
    return """
        usage: java -jar local/target/snooze-local.jar [--text | --json | --help]

        Runs Snooze's local cloud on this machine until Ctrl-C: Google's Pub/Sub and Firestore
        emulators, the Compute Engine simulator with a GPU MIG per offer, a stand-in GPU backend,
        the Wake, Sleep and Status functions, the frontend, Eventarc and Cloud Scheduler.

          --text   readable lines: each part as it starts, "Snooze is up — open http://…", each wake,
                   sleep and request, and the errors (the default when standard output is a terminal)
          --json   JSON log lines and one SNOOZE READY {json} line naming every endpoint (the
                   default when standard output is piped, for tools and tests)
          --help   this text

        Knobs, environment variables (durations: seconds such as 120 or ISO-8601 such as PT2M;
        README.md "Knobs" says more):
          SNOOZE_PORT=8080                    the frontend's port (0: any free port)
          SNOOZE_IDLE_TIMEOUT=PT2M            idle time before the GPU is put to sleep
          SNOOZE_SLEEP_CHECK_INTERVAL=PT15S   how often the sleep check runs (Cloud Scheduler's job)
          SNOOZE_PROJECT=snooze-local         the project ID in every resource name
          SNOOZE_REGION=us-central1           the default offers' region (zones -a, -b, -c)
          SNOOZE_ZONE=                        set it for zonal MIGs instead
          SNOOZE_MIG=snooze-gpu               the default offers: <MIG>-spot (SPOT), then <MIG> (STANDARD)
          SNOOZE_OFFERS=                      the GPU offers in order, MIG@LOCATION[:SPOT|:STANDARD],...
          SNOOZE_TOPIC=snooze-activity        the activity topic
          SNOOZE_FUNCTIONS_JAR=               run the functions from this deployable jar
          SNOOZE_EMULATOR_LOG_DIR=            where the logs go ($TMPDIR/snooze-local-logs and
                                              $TMPDIR/snooze-emulator-logs when unset)
          PUBSUB_EMULATOR_HOST, FIRESTORE_EMULATOR_HOST   use these running emulators instead
          CLOUDSDK_ROOT_DIR=                  where the gcloud SDK with the emulators is (else PATH)
        The simulated GPU:
          SNOOZE_SIM_STAGE_PRESET=compressed  boot stage times: compressed (~24 s) or realistic (~4.5 min)
          SNOOZE_SIM_STAGES=                  stage times, e.g. provisioning=20,loading-model=2
          SNOOZE_SIM_BOOT_TIME=PT20S          the provisioning stage's older name
          SNOOZE_SIM_OPERATION_LATENCY=PT0.5S how long a Compute operation runs before DONE
          SNOOZE_SIM_KEEP_ALIVE=-1            the stand-in's OLLAMA_KEEP_ALIVE (-1: never unload)
          SNOOZE_SIM_TOKEN_INTERVAL=0.06      one streamed token per this
          SNOOZE_SIM_PARALLEL=4               the stand-in's OLLAMA_NUM_PARALLEL, per VM
          SNOOZE_SIM_MAX_QUEUE=512            the stand-in's OLLAMA_MAX_QUEUE, per VM
          SNOOZE_SIM_DRAIN_TIMEOUT=0          the backend service's connection draining, 0-3600 s
        Handed on to the functions when set (README.md "The functions"):
        %s
        Handed on to the frontend when set (README.md "The frontend"):
        %s
        """.formatted(wrapped(LocalStack.PASSED_TO_FUNCTIONS), wrapped(LocalStack.PASSED_TO_FRONTEND));
  }

  /** The names, comma-separated, in lines of at most 100 characters indented as the knobs above. */
  private static String wrapped(java.util.List<String> names) {
    StringBuilder lines = new StringBuilder("  ");
    int width = 2;
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i) + (i + 1 < names.size() ? ", " : "");
      if (width + name.length() > 100) {
        lines.append('\n').append("  ");
        width = 2;
      }
      lines.append(name);
      width += name.length();
    }
    return lines.toString().replaceAll(" +\n", "\n").stripTrailing();
  }
}
