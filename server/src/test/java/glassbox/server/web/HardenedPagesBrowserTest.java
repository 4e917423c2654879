package glassbox.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import glassbox.server.GlassboxServer;
import glassbox.server.Http;
import glassbox.server.TestServer;

/** The pages under the server's hardening: odd URLs in the inspector, and the API key asked once by the chat. */
class HardenedPagesBrowserTest {
    static ChromeDriver driver;

    @BeforeAll
    static void open() {
        driver = BrowserTestSupport.start(1280, 1000);
    }

    @AfterAll
    static void close() {
        if (driver != null) {
            driver.quit();
        }
    }

    static WebDriverWait waitUp(int seconds) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds));
    }

    @Test
    void theInspectorClampsALayerHeadOrTokenOutOfRange() throws Exception {
        String traceId = Http.post(TestServer.url() + "/v1/chat/completions", "{\"model\":\"course-tiny\",\"max_tokens\":3,\"seed\":1,"
                + "\"trace\":{\"attention\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").headers().firstValue("X-Trace-Id").orElseThrow();
        BrowserTestSupport.consoleErrors(driver);
        driver.get(TestServer.url() + "/inspect/" + traceId + "#layer=99&head=-4&token=1e9&junk=%E0%A4%A");
        waitUp(20).until(ExpectedConditions.presenceOfElementLocated(By.id("prompt-heatmap")));
        assertThat(driver.findElement(By.id("layer")).getAttribute("value")).isEqualTo("5");
        assertThat(driver.findElement(By.id("head")).getAttribute("value")).isEqualTo("0");
        assertThat(driver.findElements(By.cssSelector("#answer-tokens .chip.selected"))).hasSize(1);
        assertThat(BrowserTestSupport.consoleErrors(driver)).isEmpty();
    }

    @Test
    void aMalformedEscapeInTheInspectorPathIsAMissingTraceNotACrash() throws Exception {
        BrowserTestSupport.consoleErrors(driver);
        // complete escapes that are not UTF-8: the server routes them, decodeURIComponent would throw
        driver.get(TestServer.url() + "/inspect/trace-%E0%A4");
        WebElement error = waitUp(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error")));
        assertThat(error.getText()).contains("no longer kept");
        assertThat(BrowserTestSupport.consoleErrors(driver)).noneMatch(e -> e.contains("URIError"));
    }

    @Test
    void theChatAsksForTheApiKeyOnceAndKeepsItForTheTab() throws Exception {
        GlassboxServer locked = new GlassboxServer(TestServer.config().withApiKey("s3cret"), TestServer.services());
        locked.start();
        try {
            driver.get(locked.url() + "/");
            ask("hi");
            waitUp(10).until(ExpectedConditions.alertIsPresent()).sendKeys("s3cret");
            driver.switchTo().alert().accept();
            waitUp(60).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".inspect-link")));
            assertThat(((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('glassbox-api-key')")).isEqualTo("s3cret");
            ask("and again");
            waitUp(60).until(d -> d.findElements(By.cssSelector(".inspect-link")).size() == 2);   // no second prompt
            // the inspector reads the trace with the same key
            driver.findElements(By.cssSelector(".inspect-link")).get(1).click();
            waitUp(20).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#answer-tokens")));
        } finally {
            locked.stop();
        }
    }

    private static void ask(String question) {
        WebElement q = waitUp(10).until(ExpectedConditions.elementToBeClickable(By.id("question")));
        q.sendKeys(question);
        driver.findElement(By.id("send")).click();
    }
}
