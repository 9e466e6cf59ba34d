package dev.snooze.cli.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** Status read from the frontend's /snooze/status or from the Status function itself. */
class SmokeStatusReadingTest {
  private static JsonObject json(String text) {
    return JsonParser.parseString(text).getAsJsonObject();
  }

  @Test
  void readsTheStatusFunctionsOwnJson() throws Exception {
    StatusReading reading = StatusReading.parse(FakeFrontend.view("WAKING", "driver", null));

    assertThat(reading.phase()).isEqualTo("WAKING");
    assertThat(reading.offer()).isEqualTo("snooze-gpu");
    assertThat(reading.stage()).isEqualTo("driver");
    assertThat(reading.etaSeconds()).isEqualTo(12L);
    assertThat(reading.stages()).extracting(StatusReading.Stage::name).containsExactlyElementsOf(FakeFrontend.STAGES);
    assertThat(reading.stages().get(1)).isEqualTo(new StatusReading.Stage("booting", "done", 1.5));
    assertThat(reading.stages().get(2)).isEqualTo(new StatusReading.Stage("driver", "current", null));
    assertThat(reading.lastError()).isNull();
    assertThat(reading.describe()).isEqualTo("WAKING, stage driver, ETA 12 s");
  }

  @Test
  void readsItThroughTheFrontendAndSaysWhenTheFrontendHasNone() throws Exception {
    StatusReading reading = StatusReading.parse(json(FakeFrontend.failing("ERROR", "CAPACITY", "no L4").body()));

    assertThat(reading.phase()).isEqualTo("ERROR");
    assertThat(reading.lastError()).isEqualTo("CAPACITY: no L4");
    assertThat(reading.describe()).isEqualTo("ERROR, stage provisioning, ETA 12 s, last error CAPACITY: no L4");
    assertThat(StatusReading.parse(json(FakeFrontend.noFunction().body()))).isNull();
  }

  @Test
  void readsAMinimalOrNewerStatus() throws Exception {
    StatusReading reading = StatusReading.parse(json("{\"phase\":\"OVER_BUDGET\",\"budget\":{\"spent\":51.2},\"new\":1}"));

    assertThat(reading.phase()).isEqualTo("OVER_BUDGET");
    assertThat(reading.stages()).isEmpty();
    assertThat(reading.budgetReason()).isEqualTo("{\"spent\":51.2}");
    assertThat(StatusReading.parse(json("{\"phase\":\"OVER_BUDGET\"}")).budgetReason()).isEqualTo("the budget is exhausted");
  }

  @Test
  void refusesWhatIsNotStatus() {
    assertThatThrownBy(() -> StatusReading.parse(json("{\"status\":\"ok\"}")))
        .isInstanceOf(StatusReading.NotStatus.class).hasMessageContaining("not Snooze's Status");
  }
}
