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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page's GPU status line in a real browser (Debian's Chromium), served by the frontend with
 * the Status function's JSON set by each test: the GPU offers it names while waking (and the one
 * given up for the next), while serving and when every offer failed, and nothing more than before
 * with one offer or none.
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
}
