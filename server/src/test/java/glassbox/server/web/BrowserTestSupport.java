package glassbox.server.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium driven headless through its own chromedriver (installed by {@code .ci/run};
 * nothing is downloaded at test time). Paths can be overridden with CHROME_BIN / CHROMEDRIVER.
 */
final class BrowserTestSupport {
    static final Path SCREENSHOTS = Path.of("target/screenshots");

    private BrowserTestSupport() {
    }

    static ChromeDriver start(int width, int height) {
        String chrome = env("CHROME_BIN", "/usr/bin/chromium");
        String driver = env("CHROMEDRIVER", "/usr/bin/chromedriver");
        if (!Files.isExecutable(Path.of(chrome)) || !Files.isExecutable(Path.of(driver))) {
            throw new IllegalStateException("browser tests need Chromium and its driver: apt-get install chromium chromium-driver "
                    + "(looked for " + chrome + " and " + driver + ")");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chrome);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(driver).toFile()).build();
        ChromeDriver d = new ChromeDriver(service, options);
        d.manage().timeouts().implicitlyWait(Duration.ZERO);
        return d;
    }

    static void screenshot(ChromeDriver driver, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }

    /** Console errors since the last call (the browser log is drained by reading it). */
    static List<String> consoleErrors(ChromeDriver driver) {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }
}
