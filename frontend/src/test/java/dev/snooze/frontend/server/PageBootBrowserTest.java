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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The GPU's boot on the page, in a real browser (Debian's Chromium): with the Status function's
 * JSON walking through every stage, the page names each stage in words, in order, with its ETA and
 * where that comes from, and a bar and list that follow the stages; and it says a person is about
 * to prompt once: on opening with {@code SNOOZE_WAKE_ON=open}, at the first keystroke with
 * {@code typing}.
 *
 * <p>Skipped when Chromium is not installed, unless SNOOZE_REQUIRE_BROWSER is set (CI sets it).
 */
class PageBootBrowserTest {
  private static final List<String> STAGES = List.of("provisioning", "booting", "driver", "pulling-image",
      "starting-container", "loading-model", "ready");
  /** What the page calls each stage. */
  private static final Map<String, String> WORDS = Map.of(
      "provisioning", "Getting a GPU machine",
      "booting", "Booting the machine",
      "driver", "Setting up the GPU driver",
      "pulling-image", "Pulling the model server's image",
      "starting-container", "Starting the model server",
      "loading-model", "Loading the model into the GPU");
  /** Seconds each stage is expected to take (learned), and took in this wake. */
  private static final int[] EXPECTED = {30, 20, 40, 60, 15, 60, 0};
  private static final int[] TOOK = {31, 18, 44, 57, 16, 63, 0};
  /** Seconds into the current stage at each report. */
  private static final int SO_FAR = 2;
  private static final Pattern ETA = Pattern.compile("Ready in about (?:(\\d+) min)? ?(?:(\\d+) s)? \\((.+)\\)\\.");

  private static final List<Vertx> VERTXES = new CopyOnWriteArrayList<>();
  private static WebDriver browser;
  private static Frontend opening;
  private static Frontend typing;

  /** A frontend whose Status says what the test sets, counting the intents it is told of. */
  private record Frontend(FrontendServer server, CountingSignal activity, AtomicReference<JsonObject> function,
      AtomicInteger polls) {
    static Frontend start(Fixtures.Backend backend, String wakeOn) throws Exception {
      // Its own Vert.x: servers on "any free port" in one Vert.x share one port (FrontendServer
      // relies on that for its server per core), and two frontends would answer for each other.
      Vertx vertx = Vertx.vertx();
      VERTXES.add(vertx);
      CountingSignal activity = new CountingSignal();
      AtomicReference<JsonObject> function = new AtomicReference<>();
      AtomicInteger polls = new AtomicInteger();
      FrontendServer server = new FrontendServer(vertx,
          Fixtures.config(backend.port(), Map.of("SNOOZE_WAKE_ON", wakeOn)), activity, null, new PageHandler())
          .listenPort(0).probeInterval(Duration.ofMillis(200))
          .statusSource(() -> {
            polls.incrementAndGet();
            return Future.succeededFuture(function.get());
          })
          .start().await(10, TimeUnit.SECONDS);
      return new Frontend(server, activity, function, polls);
    }

    String url() {
      return "http://127.0.0.1:" + server.port() + "/";
    }

    /** Waits until Status was asked {@code n} more times (the page's polls, and the readiness probe's). */
    void pollsPass(int n) {
      int now = polls.get();
      await().atMost(Duration.ofSeconds(30)).until(() -> polls.get() >= now + n);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Chromium.assumeInstalled();
    Vertx vertx = Vertx.vertx();
    VERTXES.add(vertx);
    // The model server answers its health check from the start: only Status knows the model loads.
    Fixtures.Backend backend = new Fixtures.Backend(vertx, 0, request -> request.response().setStatusCode(404).end());
    opening = Frontend.start(backend, "open");
    typing = Frontend.start(backend, "typing");
    browser = Chromium.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    for (Vertx vertx : VERTXES) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Status's JSON with the boot at stage {@code at} (an index in {@link #STAGES}). */
  private static JsonObject booting(int at, boolean learned) {
    JsonArray stages = new JsonArray();
    int eta = 0;
    for (int i = 0; i < STAGES.size(); i++) {
      String state = i < at || at == STAGES.size() - 1 ? "done" : i == at ? "current" : "pending";
      stages.add(new JsonObject().put("name", STAGES.get(i)).put("state", state)
          .put("seconds", state.equals("done") ? (Integer) TOOK[i] : state.equals("current") ? (Integer) SO_FAR : null)
          .put("expectedSeconds", EXPECTED[i]));
      if (i >= at) {
        eta += EXPECTED[i];
      }
    }
    boolean ready = at == STAGES.size() - 1;
    eta = ready ? 0 : eta - SO_FAR;
    Instant now = Instant.now();
    JsonObject boot = new JsonObject().put("stage", STAGES.get(at))
        .put("stageSince", now.minusSeconds(SO_FAR).toString()).put("stageSeconds", SO_FAR)
        .put("instance", "snooze-gpu-abcd").put("reported", true).put("stages", stages)
        .put("etaSeconds", eta).put("etaSource", learned ? "learned" : "configured").put("learnedFrom", learned ? 3 : 0);
    return new JsonObject().put("phase", ready ? "AWAKE" : "WAKING").put("since", now.minusSeconds(60).toString())
        .put("secondsUntilSleep", 600).put("offer", null)
        .put("expectedWakeSeconds", 225).put("expectedWakeSource", learned ? "learned" : "configured")
        .put("boot", boot);
  }

  private static int expectedEta(int at) {
    int eta = -SO_FAR;
    for (int i = at; i < STAGES.size(); i++) {
      eta += EXPECTED[i];
    }
    return eta;
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** The ETA line's seconds, checked against {@code eta} (the page counts down between polls) and its source. */
  private static void assertEta(int eta, String source) {
    String line = text("eta");
    Matcher matcher = ETA.matcher(line);
    assertThat(matcher.matches()).as(line).isTrue();
    int seconds = (matcher.group(1) == null ? 0 : 60 * Integer.parseInt(matcher.group(1)))
        + (matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2)));
    assertThat(seconds).as(line).isBetween(eta - 3, eta);
    assertThat(matcher.group(3)).isEqualTo(source);
  }

  @Test
  void theStagesAppearInOrderWithTheEtaAndOpeningThePageSaysSoOnce() {
    opening.function().set(booting(0, true));
    browser.get(opening.url());
    WebDriverWait wait = waiting();
    wait.until(ExpectedConditions.textToBe(By.id("phase"), "WAKING"));
    await().atMost(Duration.ofSeconds(30)).until(() -> opening.activity().intents() == 1);

    for (int at = 0; at < STAGES.size() - 1; at++) {
      String stage = STAGES.get(at);
      opening.function().set(booting(at, true));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("phase-detail"), WORDS.get(stage)));

      assertThat(text("phase")).isEqualTo("WAKING");
      assertThat(text("phase-detail")).startsWith("Waking the GPU — " + WORDS.get(stage) + ", 0:0")
          .endsWith(" in this step.");
      assertEta(expectedEta(at), "learned from 3 past wakes");
      assertThat(browser.findElement(By.id("boot")).isDisplayed()).isTrue();
      assertThat(browser.findElement(By.id("wake-progress")).isDisplayed()).as("the fixed guess gives way").isFalse();

      // The list: every stage in words, its state in words, the current one marked for assistive technology.
      List<WebElement> items = browser.findElements(By.cssSelector("#boot-stages li"));
      assertThat(items).hasSize(STAGES.size());
      for (int i = 0; i < items.size(); i++) {
        WebElement item = items.get(i);
        String name = item.findElement(By.className("stage-name")).getText();
        String time = item.findElement(By.className("stage-time")).getText();
        assertThat(name).isEqualTo(i == STAGES.size() - 1 ? "Ready" : WORDS.get(STAGES.get(i)));
        if (i < at) {
          assertThat(time).isEqualTo("done in " + TOOK[i] + " s");
          assertThat(item.getAttribute("aria-current")).isNull();
        } else if (i == at) {
          assertThat(time).matches("now: \\d s of about (\\d+ s|1 min)");
          assertThat(item.getAttribute("aria-current")).isEqualTo("step");
        } else if (i < STAGES.size() - 1) {
          assertThat(time).isEqualTo("next: about " + (EXPECTED[i] == 60 ? "1 min" : EXPECTED[i] + " s"));
        } else {
          assertThat(time).as("ready is the end, not a step").isEmpty();
        }
      }
      // The bar: one segment per stage, the done ones full.
      List<WebElement> segments = browser.findElements(By.cssSelector("#boot-bar .seg"));
      assertThat(segments).hasSize(STAGES.size());
      assertThat(segments).extracting(s -> s.getAttribute("data-state"))
          .containsExactlyElementsOf(STAGES.stream().map(s -> STAGES.indexOf(s) < STAGES.indexOf(stage) ? "done"
              : s.equals(stage) ? "current" : "pending").toList());
      WebElement bar = browser.findElement(By.id("boot-bar"));
      assertThat(bar.getAttribute("aria-valuetext")).isEqualTo("Step " + (at + 1) + " of 7: " + WORDS.get(stage));
    }

    opening.function().set(booting(STAGES.size() - 1, true));
    wait.until(ExpectedConditions.textToBe(By.id("phase"), "AWAKE"));
    assertThat(text("phase-detail")).startsWith("GPU awake — ");
    assertThat(browser.findElement(By.id("boot")).isDisplayed()).isFalse();

    // A whole wake of polls later, the page has still said it once.
    opening.pollsPass(3);
    assertThat(opening.activity().intents()).isEqualTo(1);
  }

  @Test
  void beforeAnyWakeWasSeenTheEtaIsAnEstimate() {
    typing.function().set(booting(3, false));
    browser.get(typing.url());
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("phase-detail"), WORDS.get("pulling-image")));
    assertEta(expectedEta(3), "estimate");
  }

  @Test
  void typingSaysSoAtTheFirstKeystrokeOnly() {
    int before = typing.activity().intents();
    typing.function().set(new JsonObject().put("phase", "ASLEEP").put("since", Instant.now().toString())
        .put("boot", (Object) null));
    browser.get(typing.url());
    waiting().until(ExpectedConditions.textToBe(By.id("phase-detail"), "GPU asleep — it starts waking as you type."));
    typing.pollsPass(2);
    assertThat(typing.activity().intents()).as("opening the page is not typing").isEqualTo(before);

    WebElement prompt = browser.findElement(By.id("prompt"));
    prompt.sendKeys("H");
    await().atMost(Duration.ofSeconds(30)).until(() -> typing.activity().intents() == before + 1);
    prompt.sendKeys("ello");
    typing.pollsPass(2);
    assertThat(typing.activity().intents()).isEqualTo(before + 1);
  }
}
