package dev.snooze.frontend.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium for the page's browser tests. A test class is skipped when it is not
 * installed, unless SNOOZE_REQUIRE_BROWSER is set (CI sets it): then it fails.
 */
final class Chromium {
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

  private Chromium() {}

  /** Skips the calling test class when Chromium is missing (fails instead when it is required). */
  static void assumeInstalled() {
    boolean installed = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
    if (System.getenv("SNOOZE_REQUIRE_BROWSER") == null) {
      assumeTrue(installed, "install chromium and chromium-driver to run the browser test");
    }
    assertThat(installed).as("chromium and chromedriver are installed").isTrue();
  }

  static WebDriver start() throws Exception {
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
