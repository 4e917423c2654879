package glassbox.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import glassbox.server.TestServer;

/**
 * One lesson widget in the browser, at {@code /lab/{slug}}: open it, change its controls as a user
 * would (the input's value set, then the events a user's change fires), read the numbers it shows
 * ({@code [data-value=name]} inside {@code data-lab-output}), and check it fits a 375 px screen
 * without console errors. One Chromium is shared by all widget tests of the run.
 */
final class LabPage {
    private static ChromeDriver shared;
    final ChromeDriver driver;
    final String slug;
    final WebElement root;

    private LabPage(ChromeDriver driver, String slug, WebElement root) {
        this.driver = driver;
        this.slug = slug;
        this.root = root;
    }

    static synchronized ChromeDriver driver() {
        if (shared == null) {
            shared = BrowserTestSupport.start(1100, 1000);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::quit));
        }
        return shared;
    }

    /** Opens the widget alone and waits until it has shown results. */
    static LabPage open(String slug) throws Exception {
        ChromeDriver d = driver();
        d.manage().window().setSize(new Dimension(1100, 1000));
        BrowserTestSupport.consoleErrors(d);
        d.get(TestServer.url() + "/lab/" + slug);
        WebElement root = new WebDriverWait(d, Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-lab='" + slug + "'] [data-lab-output]")));
        LabPage page = new LabPage(d, slug, d.findElement(By.cssSelector("[data-lab='" + slug + "']")));
        page.waitFor(() -> !page.root.findElements(By.cssSelector("[data-value]")).isEmpty());
        return page;
    }

    /** The text of the first {@code [data-value=name]} in the widget, once it is there. */
    String value(String name) {
        By by = By.cssSelector("[data-value='" + name + "']");
        waitFor(() -> !root.findElements(by).isEmpty());
        return root.findElement(by).getText();
    }

    double number(String name) {
        String text = value(name).replace(",", "").replace("−", "-").replaceAll("[^0-9eE.+-].*$", "");
        return Double.parseDouble(text);
    }

    /** Waits until the value named changes from what it was (after a control change that fetches from the API). */
    String valueChangedFrom(String name, String before) {
        waitFor(() -> !value(name).equals(before));
        return value(name);
    }

    /** Sets a control (range, number, text, select) found by CSS inside the widget, as a user's edit would. */
    LabPage set(String css, String value) {
        WebElement input = root.findElement(By.cssSelector(css));
        js("const e = arguments[0]; e.value = arguments[1];"
                + "e.dispatchEvent(new Event('input', { bubbles: true })); e.dispatchEvent(new Event('change', { bubbles: true }));",
                input, value);
        return this;
    }

    /** The n-th (0-based) control matching css. */
    LabPage set(String css, int index, String value) {
        List<WebElement> inputs = root.findElements(By.cssSelector(css));
        js("const e = arguments[0]; e.value = arguments[1];"
                + "e.dispatchEvent(new Event('input', { bubbles: true })); e.dispatchEvent(new Event('change', { bubbles: true }));",
                inputs.get(index), value);
        return this;
    }

    LabPage click(String css) {
        root.findElement(By.cssSelector(css)).click();
        return this;
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    void waitFor(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
            try {
                return condition.getAsBoolean();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return false;
            }
        });
    }

    /**
     * Ends a widget test: a screenshot under target/screenshots/lab-{slug}.png, no console errors,
     * and at 375 px wide the page does not scroll sideways.
     */
    /** The elements that reach past the right edge of the window, for the failure message. */
    private static final String WIDEST = "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
            + "document.documentElement.clientWidth + 0.5).slice(-5).map(e => e.tagName + '.' + e.className + ' ' + "
            + "Math.round(e.getBoundingClientRect().right)).join('; ');";

    void finish() throws Exception {
        BrowserTestSupport.screenshot(driver, "lab-" + slug);
        assertThat(BrowserTestSupport.consoleErrors(driver)).as("console errors on /lab/" + slug).isEmpty();
        driver.manage().window().setSize(new Dimension(375, 800));
        waitFor(() -> true);
        Number overflow = (Number) js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        if (overflow.intValue() > 0) {
            BrowserTestSupport.screenshot(driver, "lab-" + slug + "-375px");
        }
        assertThat(overflow.intValue()).as("/lab/" + slug + " scrolls sideways at 375 px; wider than the screen: %s", js(WIDEST)).isLessThanOrEqualTo(0);
        driver.manage().window().setSize(new Dimension(1100, 1000));
    }
}
