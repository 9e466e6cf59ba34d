package dev.snooze.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.snooze.local.emulators.LocalEmulators;
import dev.snooze.local.emulators.SharedEmulators;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A web user in a real browser (Debian's Chromium, driven by its chromedriver) on the local
 * stack: opening the page wakes the sleeping GPU, the page shows every boot stage in order with its
 * ETA while the person writes, its fields are met by Tab in the order they are seen at a desktop's
 * width and a phone's, and the prompt's answer streams, then AWAKE; one wake in all.
 *
 * <p>Skipped when Chromium is not installed, unless SNOOZE_REQUIRE_BROWSER is set (CI sets it,
 * after installing chromium and chromium-driver).
 */
@ExtendWith(SharedEmulators.class)
@Isolated // Chromium and a whole stack: its pace is measured, so nothing else may load the machine
class BrowserTest {
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

  private LocalStack stack;
  private WebDriver browser;

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void openingThePageWakesTheGpuThePageShowsEveryStageInOrderWithItsEtaThenAPromptStreams(LocalEmulators emulators)
      throws Exception {
    boolean installed = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
    if (System.getenv("SNOOZE_REQUIRE_BROWSER") == null) {
      assumeTrue(installed, "install chromium and chromium-driver to run the browser test");
    }
    assertThat(installed).as("chromium and chromedriver are installed").isTrue();

    // Each stage long enough for the page (polling every second while waking) to show it.
    Map<String, String> env = TestStacks.env(emulators, Map.of(
        "SNOOZE_IDLE_TIMEOUT", "60", "SNOOZE_SLEEP_CHECK_INTERVAL", "1",
        "SNOOZE_SIM_STAGES", "provisioning=3,booting=3,driver=3,pulling-image=3,starting-container=3,loading-model=3"));
    stack = LocalStack.start(env);
    browser = chromium();
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));

    // Opening the page is the intent: the GPU wakes while the person writes.
    browser.get(stack.frontend().url() + "/");
    ((JavascriptExecutor) browser).executeScript("""
        window.snoozeSteps = [];
        setInterval(() => {
          const step = /^Step (\\d+) of 7/.exec(document.getElementById('boot-bar').getAttribute('aria-valuetext') || '');
          const seen = window.snoozeSteps;
          if (step && seen[seen.length - 1] !== Number(step[1])) seen.push(Number(step[1]));
        }, 50);""");
    wait.until(ExpectedConditions.textToBe(By.id("phase"), "WAKING"));
    wait.until(ExpectedConditions.textMatches(By.id("eta"),
        java.util.regex.Pattern.compile("Ready in about .+ \\(estimate\\)\\.?")));
    assertThat(browser.findElement(By.id("boot")).isDisplayed()).as("the stages show").isTrue();
    assertTabGoesFromTheMessageToTheModelWhereTheyAreSeen(new Dimension(390, 844));
    assertTabGoesFromTheMessageToTheModelWhereTheyAreSeen(new Dimension(1280, 900));

    browser.findElement(By.id("model")).sendKeys("snooze-demo");
    browser.findElement(By.id("prompt")).sendKeys("Hello from a browser");
    browser.findElement(By.id("send")).click();

    wait.until(ExpectedConditions.textMatches(By.cssSelector("#conversation .assistant"),
        java.util.regex.Pattern.compile("(?s).*Hello from a browser.*woke up for you\\..*")));
    wait.until(ExpectedConditions.textToBe(By.id("phase"), "AWAKE"));
    @SuppressWarnings("unchecked")
    List<Long> steps = (List<Long>) ((JavascriptExecutor) browser).executeScript("return window.snoozeSteps;");
    assertThat(steps).as("the stages the page showed, in order (provisioning … loading-model)")
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(stack.compute().calls().get("compute.regionInstanceGroupManagers.resize"))
        .as("one wake: the page's intent, then the prompt, wake the GPU once").isEqualTo(1L);
  }

  /**
   * WCAG 2.4.3 (focus order): Tab goes from the message box to the model field, and on screen
   * the message box comes first too: above the model, or on the same row to its left.
   */
  private void assertTabGoesFromTheMessageToTheModelWhereTheyAreSeen(Dimension window) {
    browser.manage().window().setSize(window);
    WebElement prompt = browser.findElement(By.id("prompt"));
    WebElement model = browser.findElement(By.id("model"));
    ((JavascriptExecutor) browser).executeScript("arguments[0].focus()", prompt);
    browser.switchTo().activeElement().sendKeys(Keys.TAB);
    assertThat(browser.switchTo().activeElement().getAttribute("id")).as("Tab from the message at %s", window)
        .isEqualTo("model");
    Rectangle first = prompt.getRect();
    Rectangle next = model.getRect();
    boolean above = first.getY() + first.getHeight() <= next.getY();
    boolean sameRowToTheLeft = first.getY() < next.getY() + next.getHeight()
        && next.getY() < first.getY() + first.getHeight() && first.getX() + first.getWidth() <= next.getX();
    assertThat(above || sameRowToTheLeft)
        .as("at %s the message (%s) is seen before the model (%s)", window, first, next).isTrue();
  }

  private static WebDriver chromium() throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--window-size=1280,900",
        "--user-data-dir=" + Files.createTempDirectory("snooze-chromium"));
    // The Debian driver, named explicitly: Selenium Manager must never try the network.
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}
