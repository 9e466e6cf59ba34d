package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.snooze.frontend.activity.CountingSignal;
import dev.snooze.frontend.web.PageHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page's GPU status line in a real browser (Debian's Chromium), served by the frontend with
 * the Status function's JSON set by each test: the GPU offers it names while waking (and the one
 * given up for the next), while serving and when every offer failed, and nothing more than before
 * with one offer or none; the GPU budget used up (said plainly, with its reset in the viewer's own
 * time, and no wake progress); the warm window under way or next; today's GPU time; how many
 * GPUs serve a group that scales (and nothing of it for a group of one); and a phase newer than
 * the page.
 *
 * <p>Skipped when Chromium is not installed, unless SNOOZE_REQUIRE_BROWSER is set (CI sets it).
 */
class PageStatusBrowserTest {
  private static final AtomicReference<JsonObject> FUNCTION = new AtomicReference<>();
  private static Vertx vertx;
  private static FrontendServer frontend;
  private static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    Chromium.assumeInstalled();
    vertx = Vertx.vertx();
    Fixtures.Backend backend = new Fixtures.Backend(vertx, 0, request -> request.response().setStatusCode(404).end());
    frontend = new FrontendServer(vertx, Fixtures.config(backend.port(), Map.of()), new CountingSignal(), null,
        new PageHandler())
        .listenPort(0).probeInterval(Duration.ofMillis(200))
        .statusSource(() -> Future.succeededFuture(FUNCTION.get()))
        .start().await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> frontend.readiness().isReady());
    browser = Chromium.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static JsonObject offer(String mig, String model, String state, JsonObject lastFailure) {
    return new JsonObject().put("mig", mig).put("location", "us-central1").put("model", model)
        .put("state", state).put("lastFailure", lastFailure).put("gpuSeconds", 0);
  }

  private static JsonObject failure(String code, Instant at) {
    return new JsonObject().put("code", code).put("message", code + " in us-central1-a").put("at", at.toString());
  }

  private static JsonObject function(String phase, Instant since, String offer, JsonObject... offers) {
    JsonObject function = new JsonObject().put("phase", phase).put("since", since.toString())
        .put("secondsUntilSleep", 600).put("offer", offer);
    return offers.length == 0 ? function : function.put("offers", new JsonArray(java.util.List.of((Object[]) offers)));
  }

  /** Opens the page on this status, once it shows {@code phase}. */
  private static WebDriverWait show(JsonObject function, String phase) {
    FUNCTION.set(function);
    browser.get("http://127.0.0.1:" + frontend.port() + "/");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.until(ExpectedConditions.textToBe(By.id("phase"), phase));
    return wait;
  }

  private static String detail() {
    return browser.findElement(By.id("phase-detail")).getText();
  }

  private static WebElement offers() {
    return browser.findElement(By.id("offers"));
  }

  private static boolean shown(String id) {
    return browser.findElement(By.id(id)).isDisplayed();
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** The browser's own time zone: the page writes times in it. */
  private static ZoneId browserZone() {
    return ZoneId.of((String) ((JavascriptExecutor) browser)
        .executeScript("return Intl.DateTimeFormat().resolvedOptions().timeZone"));
  }

  /**
   * A moment half a minute past a whole minute, {@code later} from now: a second of clock skew
   * between the page and the frontend never moves it to another minute.
   */
  private static Instant halfPast(Duration later) {
    return Instant.now().plus(later).truncatedTo(ChronoUnit.MINUTES).plusSeconds(30);
  }

  private static String hhmm(Instant at) {
    return DateTimeFormatter.ofPattern("HH:mm").format(at.atZone(browserZone()));
  }

  private static String weekdayAndTime(Instant at) {
    ZonedDateTime local = at.atZone(browserZone());
    return local.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH) + " " + hhmm(at);
  }

  /** Status's budget object, as the functions write it, used up by its daily GPU-hour cap. */
  private static JsonObject usedUp(Instant resetsAt) {
    return new JsonObject().put("zone", "Europe/Warsaw").put("gpuSecondsToday", 28872).put("gpuSecondsThisMonth", 98000)
        .put("costToday", null).put("costThisMonth", null)
        .put("caps", new JsonArray()
            .add(new JsonObject().put("period", "month").put("unit", "money").put("limit", 100.0).put("used", 12.5)
                .put("resetsAt", "2027-01-01T00:00:00Z"))
            .add(new JsonObject().put("period", "day").put("unit", "gpu-hours").put("limit", 8.0).put("used", 8.02)
                .put("resetsAt", resetsAt.toString())))
        .put("exhausted", true)
        .put("reason", "the budget of 8 GPU hours per day is used up (8.02 GPU hours); it resets at"
            + " 2026-12-04T00:00+01:00[Europe/Warsaw]")
        .put("resetsAt", resetsAt.toString());
  }

  private static JsonObject withinBudget(long gpuSecondsToday, Double costToday) {
    return new JsonObject().put("zone", "Europe/Warsaw").put("gpuSecondsToday", gpuSecondsToday)
        .put("gpuSecondsThisMonth", gpuSecondsToday).put("costToday", costToday).put("costThisMonth", costToday)
        .put("caps", new JsonArray()).put("exhausted", false).put("reason", null).put("resetsAt", null);
  }

  private static JsonObject warmWindow(Instant from, Instant to, boolean active) {
    return new JsonObject().put("window", "Mon-Fri 09:00-17:30 Europe/Warsaw").put("from", from.toString())
        .put("to", to.toString()).put("active", active);
  }

  @Test
  void overBudgetSaysSoPlainlyWithTheResetInTheViewersTimeAndNoWakeProgress() {
    Instant resetsAt = halfPast(Duration.ofHours(3).plusMinutes(13));
    show(function("OVER_BUDGET", Instant.now().minusSeconds(600), null).put("budget", usedUp(resetsAt))
        .put("warmWindow", warmWindow(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(3600), true)),
        "OVER BUDGET");
    assertThat(browser.findElement(By.id("status")).getAttribute("data-phase")).isEqualTo("OVER_BUDGET");
    assertThat(detail()).matches("The GPU budget for today is used up: 8\\.02 of 8 GPU hours\\. It resets at "
        + hhmm(resetsAt) + " \\(in 3 h 1[23] min\\)\\.");
    assertThat(shown("wake-progress")).isFalse();
    assertThat(shown("boot")).isFalse();
    assertThat(shown("warm-window")).as("no window keeps an over-budget GPU warm").isFalse();
    assertThat(text("gpu-today")).isEqualTo("GPU time today: 8.0 h");
    assertThat(text("empty")).as("no promise of a wake").startsWith("The GPU stays asleep until its budget resets");

    // A prompt sent anyway: the frontend refuses it (503 over_budget) and the page says why, once.
    WebElement prompt = browser.findElement(By.id("prompt"));
    prompt.sendKeys("hello");
    browser.findElement(By.id("send")).click();
    new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> d.findElement(By.id("error")).isDisplayed());
    assertThat(text("error-text")).startsWith("The GPU budget for today is used up: 8.02 of 8 GPU hours. It resets at "
        + hhmm(resetsAt));
    assertThat(shown("retry")).as("nothing to retry before the reset").isFalse();
    assertThat(prompt.getAttribute("value")).as("the prompt is kept").isEqualTo("hello");
  }

  @Test
  void anAwakeGpuOverBudgetDrainsAndSaysSoToo() {
    Instant resetsAt = halfPast(Duration.ofMinutes(50));
    show(function("AWAKE", Instant.now().minusSeconds(600), null).put("budget", usedUp(resetsAt)), "OVER BUDGET");
    assertThat(detail()).matches("The GPU budget for today is used up: 8\\.02 of 8 GPU hours\\. It resets at "
        + hhmm(resetsAt) + " \\(in (49|50) min\\)\\.");
  }

  @Test
  void theWarmWindowUnderWaySaysUntilWhenAndTodaysGpuTimeItsCost() {
    Instant to = halfPast(Duration.ofMinutes(2));
    show(function("AWAKE", Instant.now().minusSeconds(60), null).put("budget", withinBudget(8280, 0.24))
        .put("warmWindow", warmWindow(Instant.now().minusSeconds(3600), to, true)), "AWAKE");
    // Within the same day the time alone; past midnight its weekday too.
    String until = to.atZone(browserZone()).toLocalDate().equals(Instant.now().atZone(browserZone()).toLocalDate())
        ? hhmm(to) : weekdayAndTime(to);
    assertThat(shown("warm-window")).isTrue();
    assertThat(text("warm-window")).isEqualTo("Kept warm until " + until + " (Mon-Fri 09:00-17:30 Europe/Warsaw)");
    assertThat(text("gpu-today")).isEqualTo("GPU time today: 2.3 h (cost 0.24)");
  }

  @Test
  void theNextWarmWindowIsNamedByWeekdayAndTime() {
    Instant from = halfPast(Duration.ofDays(2).plusHours(5));
    show(function("ASLEEP", Instant.now().minusSeconds(60), null).put("budget", withinBudget(0, null))
        .put("warmWindow", warmWindow(from, from.plus(Duration.ofHours(8)), false)), "ASLEEP");
    assertThat(text("warm-window")).isEqualTo("Next warm window: " + weekdayAndTime(from)
        + " (Mon-Fri 09:00-17:30 Europe/Warsaw)");
    assertThat(text("gpu-today")).isEqualTo("GPU time today: 0 s");
  }

  @Test
  void noWarmWindowNoLineAndAPhaseNewerThanThePageIsNamedAsStatusNamesIt() {
    show(function("HIBERNATING_DEEPLY", Instant.now().minusSeconds(60), null).put("warmWindow", null),
        "HIBERNATING DEEPLY");
    assertThat(detail()).isEqualTo("GPU hibernating deeply.");
    assertThat(shown("warm-window")).isFalse();
    assertThat(shown("wake-progress")).isFalse();
  }

  @Test
  void wakingNamesTheOfferItWakes() {
    Instant since = Instant.now().minusSeconds(5);
    show(function("WAKING", since, "snooze-gpu-spot",
        offer("snooze-gpu-spot", "SPOT", "WAKING", null), offer("snooze-gpu", "STANDARD", "ASLEEP", null)), "WAKING");
    assertThat(detail()).startsWith("Waking snooze-gpu-spot (spot) — ");
    assertThat(offers().isDisplayed()).as("no failover line before any failure").isFalse();
  }

  @Test
  void anOfferThatFailedInThisWakeIsNamedWithTheOneTriedNext() {
    Instant since = Instant.now().minusSeconds(20);
    show(function("WAKING", since, "snooze-gpu",
        offer("snooze-gpu-spot", "SPOT", "FAILED", failure("ZONE_RESOURCE_POOL_EXHAUSTED", since.plusSeconds(8))),
        offer("snooze-gpu", "STANDARD", "WAKING", null)), "WAKING");
    assertThat(detail()).startsWith("Waking snooze-gpu (on-demand) — ");
    assertThat(offers().isDisplayed()).isTrue();
    assertThat(offers().getText())
        .isEqualTo("snooze-gpu-spot: no capacity (ZONE_RESOURCE_POOL_EXHAUSTED) — trying snooze-gpu");
  }

  @Test
  void awakeNamesTheServingOffer() {
    show(function("AWAKE", Instant.now().minusSeconds(60), "snooze-gpu",
        offer("snooze-gpu-spot", "SPOT", "ASLEEP", failure("ZONE_RESOURCE_POOL_EXHAUSTED", Instant.now().minusSeconds(90))),
        offer("snooze-gpu", "STANDARD", "SERVING", null)), "AWAKE");
    assertThat(detail()).startsWith("GPU awake on snooze-gpu (on-demand) — ");
    assertThat(offers().isDisplayed()).isFalse();
  }

  @Test
  void errorListsEachOffersFailure() {
    Instant at = Instant.now().minusSeconds(30);
    show(function("ERROR", at, null,
        offer("snooze-gpu-spot", "SPOT", "FAILED", failure("ZONE_RESOURCE_POOL_EXHAUSTED", at)),
        offer("snooze-gpu", "STANDARD", "FAILED", failure("QUOTA_EXCEEDED", at)))
        .put("lastError", failure("QUOTA_EXCEEDED", at)), "ERROR");
    assertThat(offers().getText()).isEqualTo("snooze-gpu-spot: no capacity (ZONE_RESOURCE_POOL_EXHAUSTED)\n"
        + "snooze-gpu: out of quota (QUOTA_EXCEEDED)");
  }

  @Test
  void oneOfferThatNeverFailedOrNoOffersReadAsBefore() {
    Instant since = Instant.now().minusSeconds(5);
    show(function("WAKING", since, "snooze-gpu", offer("snooze-gpu", "STANDARD", "WAKING", null)), "WAKING");
    assertThat(detail()).startsWith("Waking the GPU — ");
    assertThat(offers().isDisplayed()).isFalse();

    show(function("AWAKE", since, null), "AWAKE");
    assertThat(detail()).startsWith("GPU awake — sleeps in ");
    assertThat(offers().isDisplayed()).isFalse();
  }

  /** Status's scale, as the functions write it. */
  private static JsonObject scale(int max, int inFlight, int size, int serving, String limit) {
    return new JsonObject().put("min", 1).put("max", max).put("targetInFlight", 4).put("inFlight", inFlight)
        .put("wanted", size).put("size", size).put("serving", serving).put("limit", limit).put("scaleInAt", null);
  }

  @Test
  void aGroupAddingAGpuSaysHowManyServeOfHowManyAndWhyNoMore() {
    show(function("AWAKE", Instant.now().minusSeconds(600), null)
        .put("scale", scale(3, 9, 3, 2, "at the maximum of 3 GPU VMs (9 requests in flight, 4 per VM)")), "AWAKE");
    assertThat(shown("gpu-scale")).isTrue();
    assertThat(text("gpu-count")).isEqualTo("2 of 3 GPUs serving · 9 requests in flight · Adding a GPU…");
    assertThat(text("gpu-limit")).isEqualTo("No more GPUs: at the maximum of 3 GPU VMs (9 requests in flight, 4 per VM)");
    assertThat(text("gpu-marks")).as("a mark per GPU, beside the words").isEqualTo("●●○");
    assertThat(browser.findElement(By.id("gpu-marks")).getAttribute("aria-hidden")).isEqualTo("true");
  }

  @Test
  void aGroupWhoseGpusAllServeSaysHowManyAndNoLimitWhenThereIsNone() {
    show(function("AWAKE", Instant.now().minusSeconds(600), null).put("scale", scale(4, 1, 2, 2, null)), "AWAKE");
    assertThat(text("gpu-count")).isEqualTo("2 GPUs serving · 1 request in flight");
    assertThat(shown("gpu-limit")).isFalse();
    assertThat(text("gpu-marks")).isEqualTo("●●··");
  }

  @Test
  void aGroupOutOfCapacityForMoreSaysSo() {
    String limit = "gpu-l4: ZONE_RESOURCE_POOL_EXHAUSTED (us-central1-a): no more VMs of this offer now";
    show(function("AWAKE", Instant.now().minusSeconds(600), null).put("scale", scale(3, 14, 3, 1, limit)), "AWAKE");
    assertThat(text("gpu-count")).isEqualTo("1 of 3 GPUs serving · 14 requests in flight · Adding 2 GPUs…");
    assertThat(text("gpu-limit")).isEqualTo("No more GPUs: " + limit);
  }

  @Test
  void aGroupOfOneGpuAtMostOrAnAsleepOneShowsNothingNew() {
    show(function("AWAKE", Instant.now().minusSeconds(600), null).put("scale", scale(1, 3, 1, 1, null)), "AWAKE");
    assertThat(shown("gpu-scale")).as("max 1: today's deployments").isFalse();

    show(function("ASLEEP", Instant.now().minusSeconds(600), null).put("scale", scale(3, 0, 0, 0, null)), "ASLEEP");
    assertThat(shown("gpu-scale")).as("no GPU wanted").isFalse();

    show(function("AWAKE", Instant.now().minusSeconds(600), null), "AWAKE");
    assertThat(shown("gpu-scale")).as("a function without scale").isFalse();
  }
}
