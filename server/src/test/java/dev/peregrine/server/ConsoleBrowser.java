package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Debian Chromium driven through {@code /usr/bin/chromedriver} by Selenium, for the
 * console's end-to-end tests. Nothing is downloaded: the browser and the driver are the system's
 * packages (installed by {@code .ci/run} when missing), given to Selenium by path so that Selenium
 * Manager never runs. Without them the tests are skipped, saying why.
 *
 * <p>Collects the browser's console log: {@link #assertNoErrors} fails a test on a JavaScript error,
 * a CSP violation or a failed request, apart from the failures the test provoked on purpose.
 */
final class ConsoleBrowser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where screenshots go, for a reviewer (and docs/console.md) to look at. */
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Path profile;
    private final ChromeDriver driver;
    private final String base;
    private final List<String> errors = new ArrayList<>();

    private ConsoleBrowser(Path profile, ChromeDriver driver, String base) {
        this.profile = profile;
        this.driver = driver;
        this.base = base;
    }

    /** Starts a browser for the console at {@code base}; skips the calling test when there is no Chromium. */
    static ConsoleBrowser open(String base) {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests skipped: no " + CHROMIUM + " and " + CHROMEDRIVER
                        + " (apt-get install chromium chromium-driver; .ci/run installs them)");
        Path profile;
        try {
            profile = Files.createTempDirectory("peregrine-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Without the networking flags, Chromium keeps calling home on a machine with no network.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,800", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(WAIT);
        return new ConsoleBrowser(profile, driver, base);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens a console route, e.g. {@code "#/events?event_type=x"}, and waits for its page to mount. */
    void go(String route, String pageId) {
        driver.get(base + "/" + route);
        await(d -> !d.findElements(By.id("page-" + pageId)).isEmpty());
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits until {@code condition} holds, failing after a generous limit (a slow machine, not a timed check). */
    <T> T await(Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class)
                    .until(condition::apply);
        } catch (TimeoutException e) {
            // Say what the page said: the browser's log usually names the cause.
            List<String> log = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .map(entry -> entry.getLevel() + " " + entry.getMessage()).toList();
            throw new AssertionError("timed out on " + driver.getCurrentUrl() + "; browser log: " + log, e);
        }
    }

    /** Waits until the element's text matches. */
    String awaitText(String css, Pattern pattern) {
        return await(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            String text = found.isEmpty() ? "" : found.getFirst().getText();
            return pattern.matcher(text).find() ? text : null;
        });
    }

    /**
     * Clicks an element after scrolling it to the middle of the window: WebDriver scrolls only until
     * an element touches the edge, where the console's sticky header covers it.
     */
    void click(String css) {
        WebElement element = find(css);
        driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }

    Object script(String javascript, Object... arguments) {
        return driver.executeScript(javascript, arguments);
    }

    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves a screenshot as {@code target/console-screenshots/<name>.png}. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails when the browser logged an error (a script error, a CSP violation, a request answered
     * with a non-2xx status) other than one matching {@code expected}, which the test provoked.
     */
    void assertNoErrors(Pattern... expected) {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() < Level.WARNING.intValue()) {
                continue;
            }
            boolean allowed = false;
            for (Pattern pattern : expected) {
                allowed |= pattern.matcher(entry.getMessage()).find();
            }
            if (!allowed) {
                errors.add(entry.getLevel() + " " + entry.getMessage());
            }
        }
        List<String> found = List.copyOf(errors);
        errors.clear();
        assertThat(found).as("errors in the browser's console").isEmpty();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary profile is harmless.
        }
    }
}
