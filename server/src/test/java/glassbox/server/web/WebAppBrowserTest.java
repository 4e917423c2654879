package glassbox.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import glassbox.server.TestServer;

/** The web app in a real browser against the real server and the committed model. */
class WebAppBrowserTest {
    static ChromeDriver driver;
    static String base;

    @BeforeAll
    static void open() throws Exception {
        base = TestServer.url();
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

    @org.junit.jupiter.api.BeforeEach
    void drainConsole() {
        BrowserTestSupport.consoleErrors(driver);
    }

    /** Waits for the chat's answer to finish; on failure says what the page showed instead. */
    static WebElement answerFinished() {
        try {
            return waitUp(60).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".inspect-link")));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no finished answer; page shows: " + driver.findElement(By.id("messages")).getText()
                    + "; console: " + BrowserTestSupport.consoleErrors(driver), e);
        }
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    @Test
    void chatStreamsACitedAnswerThatTheInspectorOpensAndTheCitationLeadsToTheLesson() throws Exception {
        driver.get(base + "/");
        WebElement q = waitUp(10).until(ExpectedConditions.elementToBeClickable(By.id("question")));
        q.sendKeys("What does the softmax function do?");
        driver.findElement(By.id("send")).click();
        WebElement inspect = answerFinished();
        assertThat(driver.findElement(By.cssSelector(".msg.assistant .answer-text")).getText()).isNotBlank();
        List<WebElement> citations = driver.findElements(By.cssSelector("a.citation"));
        assertThat(citations).isNotEmpty();
        String citationHref = citations.getFirst().getAttribute("href");
        BrowserTestSupport.screenshot(driver, "chat");

        inspect.click();
        waitUp(20).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#answer-tokens .chip")));
        assertThat(driver.findElements(By.cssSelector("#prompt-tokens .chip"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("#candidate-bars .bar"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("#heads-grid canvas"))).hasSize(6 * 8);
        assertThat(driver.findElements(By.cssSelector("#prompt-heatmap"))).hasSize(1);
        assertThat(driver.findElements(By.cssSelector("#logit-lens tbody tr"))).hasSize(6);
        // selecting a head is kept in the URL, so a reload shows the same view
        driver.findElements(By.cssSelector("#heads-grid canvas")).get(8 + 3).click();
        assertThat(driver.getCurrentUrl()).contains("layer=1").contains("head=3");
        driver.navigate().refresh();
        waitUp(20).until(ExpectedConditions.presenceOfElementLocated(By.id("layer")));
        assertThat(driver.findElement(By.id("layer")).getAttribute("value")).isEqualTo("1");
        BrowserTestSupport.screenshot(driver, "inspector");

        driver.get(citationHref);
        String anchor = citationHref.substring(citationHref.indexOf('#') + 1);
        waitUp(20).until(ExpectedConditions.presenceOfElementLocated(By.id(anchor)));
        assertThat(driver.getCurrentUrl()).contains("/course/03-activation-functions#");
        assertThat(driver.findElements(By.cssSelector(".lesson .katex"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector(".lab-actions a"))).hasSize(3);
        BrowserTestSupport.screenshot(driver, "course");
        assertThat(BrowserTestSupport.consoleErrors(driver)).isEmpty();
    }

    /**
     * Asks a question in a fresh chat page with the grounding switch (on by default) set as given;
     * checks the answer says which mode it used and returns its inspector link.
     */
    static WebElement askWithTheGroundingSwitch(String question, boolean grounded) {
        driver.get(base + "/");
        WebElement q = waitUp(10).until(ExpectedConditions.elementToBeClickable(By.id("question")));
        WebElement grounding = driver.findElement(By.id("grounding-switch"));
        assertThat(grounding.isSelected()).as("grounded by default").isTrue();
        assertThat(grounding.findElement(By.xpath("./ancestor::label")).getText()).contains("Grounded answers");
        if (!grounded) {
            grounding.click();
            assertThat(grounding.isSelected()).isFalse();
        }
        q.sendKeys(question);
        driver.findElement(By.id("send")).click();
        WebElement inspect = answerFinished();
        assertThat(driver.findElement(By.cssSelector(".msg.assistant .answer-mode")).getText()).isEqualTo(grounded ? "grounded" : "free");
        return inspect;
    }

    @Test
    void aGroundedAnswerShowsTheCandidatesGroundingCutAndThePassageEachTokenCopies() throws Exception {
        WebElement inspect = askWithTheGroundingSwitch("What is top-p sampling?", true);
        inspect.click();
        waitUp(20).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#answer-tokens .chip")));
        assertThat(driver.findElements(By.id("grounding"))).hasSize(1);
        assertThat(driver.findElements(By.cssSelector("#grounding .passage"))).isNotEmpty();
        // select tokens one by one (each click re-renders the page) until one shows a candidate the constraint cut
        // and one copies a marked range of a passage
        int chips = driver.findElements(By.cssSelector("#answer-tokens .chip")).size();
        boolean sawCut = false;
        boolean sawSource = false;
        for (int i = 0; i < chips && !(sawCut && sawSource); i++) {
            driver.findElements(By.cssSelector("#answer-tokens .chip")).get(i).click();
            if (!driver.findElements(By.cssSelector("#candidate-bars .grounding-cut")).isEmpty()) {
                sawCut = true;
                assertThat(driver.findElement(By.cssSelector("#candidate-bars .grounding-cut")).getText()).isEqualTo("cut by grounding");
                assertThat(driver.findElements(By.cssSelector("#candidate-bars .bar.grounding"))).isNotEmpty();
                assertThat(driver.findElement(By.cssSelector("#cand-h + p")).getText()).contains("grounding cut");
            }
            List<WebElement> marks = driver.findElements(By.cssSelector("#grounding .passage-text mark.grounding-source"));
            if (!marks.isEmpty()) {
                sawSource = true;
                assertThat(marks).hasSize(1);
                assertThat(js("return arguments[0].textContent.length", marks.getFirst())).isNotEqualTo(0L);
                assertThat(driver.findElement(By.id("grounding-status")).getText()).contains("copies characters");
            } else {
                assertThat(driver.findElement(By.id("grounding-status")).getText()).contains("citation marker or not copied");
            }
        }
        assertThat(sawCut).as("some step shows a candidate cut by grounding").isTrue();
        assertThat(sawSource).as("some token marks the passage range it copies").isTrue();
        BrowserTestSupport.screenshot(driver, "inspector-grounded");
        assertThat(BrowserTestSupport.consoleErrors(driver)).isEmpty();
    }

    @Test
    void theInspectorLabelsJsonAndToolCallCutsByTheirConstraint() throws Exception {
        String json = "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"card\",\"schema\":"
                + "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},\"required\":[\"ok\"]}}}";
        String tool = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"search_course\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"lesson\":{\"enum\":[\"attention\",\"softmax\"]}},\"required\":[\"lesson\"]}}}],\"tool_choice\":\"required\"";
        for (String[] c : new String[][] {{json, "JSON schema", "json-cut"}, {tool, "tool call", "tool_call-cut"}}) {
            var r = glassbox.server.Http.post(base + "/v1/chat/completions", "{\"model\":\"course-tiny\",\"seed\":2,\"max_tokens\":40,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"What is attention?\"}]," + c[0] + "}");
            String traceId = glassbox.server.Http.json(r).get("trace_id").asText();
            driver.get(base + "/inspect/" + traceId);
            waitUp(20).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#answer-tokens .chip")));
            assertThat(driver.findElement(By.id("constraint-summary")).getText()).isNotBlank();
            assertThat(driver.findElements(By.id("grounding"))).isEmpty();
            boolean sawCut = false;
            int chips = driver.findElements(By.cssSelector("#answer-tokens .chip")).size();
            for (int i = 0; i < chips && !sawCut; i++) {
                driver.findElements(By.cssSelector("#answer-tokens .chip")).get(i).click();
                List<WebElement> cuts = driver.findElements(By.cssSelector("#candidate-bars ." + c[2]));
                if (!cuts.isEmpty()) {
                    sawCut = true;
                    assertThat(cuts.getFirst().getText()).isEqualTo("cut by " + c[1]);
                    assertThat(driver.findElement(By.cssSelector("#cand-h + p")).getText()).contains(c[1] + " cut");
                    assertThat(driver.findElements(By.cssSelector("#candidate-bars .grounding-cut"))).isEmpty();
                }
            }
            assertThat(sawCut).as("some step shows a candidate cut by the " + c[1]).isTrue();
        }
        BrowserTestSupport.screenshot(driver, "inspector-tool-call");
        assertThat(BrowserTestSupport.consoleErrors(driver)).isEmpty();
    }

    @Test
    void aFreeAnswerSaysSoAndItsInspectorHasNoGroundingCard() throws Exception {
        WebElement inspect = askWithTheGroundingSwitch("What is top-p sampling?", false);
        inspect.click();
        waitUp(20).until(ExpectedConditions.presenceOfElementLocated(By.id("answer-tokens")));
        assertThat(driver.findElements(By.id("grounding"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector(".grounding-cut"))).isEmpty();
        assertThat(BrowserTestSupport.consoleErrors(driver)).isEmpty();
    }

    @Test
    void theTokenizerTokenizesAsYouType() throws Exception {
        driver.get(base + "/tokenize");
        WebElement text = waitUp(10).until(ExpectedConditions.elementToBeClickable(By.id("text")));
        text.clear();
        text.sendKeys("Hello transformer 🙂");
        waitUp(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("count"), "20 characters"));
        assertThat(driver.findElements(By.cssSelector("#tokens .chip"))).hasSizeGreaterThan(2);
        BrowserTestSupport.screenshot(driver, "tokenize");
        assertThat(BrowserTestSupport.consoleErrors(driver)).isEmpty();
    }

    @Test
    void samplingSlidersReshapeTheDistribution() throws Exception {
        driver.get(base + "/sampling");
        waitUp(20).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#distribution .bar")));
        String before = driver.findElement(By.id("kept")).getText();
        js("const s = document.getElementById('top-k'); s.value = 1; s.dispatchEvent(new Event('input'));");
        assertThat(driver.findElement(By.id("kept")).getText()).startsWith("1 candidate kept").isNotEqualTo(before);
        assertThat(driver.findElements(By.cssSelector("#distribution .bar.cut"))).isNotEmpty();
        String sharp = driver.findElement(By.id("kept")).getText();
        js("const s = document.getElementById('top-k'); s.value = 0; s.dispatchEvent(new Event('input'));"
                + "const t = document.getElementById('temperature'); t.value = 0.3; t.dispatchEvent(new Event('input'));");
        assertThat(driver.findElement(By.id("kept")).getText()).isNotEqualTo(sharp);
        BrowserTestSupport.screenshot(driver, "sampling");
        assertThat(BrowserTestSupport.consoleErrors(driver)).isEmpty();
    }

    @Test
    void trainingShowsTheLossCurves() throws Exception {
        driver.get(base + "/training");
        waitUp(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#loss-chart polyline.train")));
        assertThat(driver.findElements(By.cssSelector("#loss-chart polyline.val"))).hasSize(1);
        assertThat(driver.findElement(By.id("model-config")).getText()).contains("5,795,072");
        long tokensSeen = glassbox.server.Json.MAPPER.readTree(TestServer.ROOT.resolve("models/course-tiny/training.json").toFile())
                .get("tokens_seen").asLong();
        assertThat(driver.findElement(By.id("run-config")).getText()).contains(String.format("%,d", tokensSeen)).contains("cosine decay");
        BrowserTestSupport.screenshot(driver, "training");
        assertThat(BrowserTestSupport.consoleErrors(driver)).isEmpty();
    }

    @Test
    void markupInChatTokensAndTracesStaysText() throws Exception {
        String attack = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">";
        driver.get(base + "/tokenize?text=" + java.net.URLEncoder.encode(attack, java.nio.charset.StandardCharsets.UTF_8));
        waitUp(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tokens .chip")));
        assertThat(js("return window.__xss === undefined")).isEqualTo(true);

        driver.get(base + "/");
        waitUp(10).until(ExpectedConditions.elementToBeClickable(By.id("question"))).sendKeys(attack);
        driver.findElement(By.id("model")).sendKeys("course-tiny");
        driver.findElement(By.id("max-tokens")).clear();
        driver.findElement(By.id("max-tokens")).sendKeys("5");
        driver.findElement(By.id("send")).click();
        WebElement inspect = answerFinished();
        assertThat(driver.findElement(By.cssSelector(".msg.user")).getText()).isEqualTo(attack);
        assertThat(js("return window.__xss === undefined")).isEqualTo(true);
        inspect.click();
        waitUp(20).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#prompt-tokens .chip")));
        assertThat(js("return document.getElementById('prompt-tokens').textContent")).asString().contains("<script>");
        assertThat(js("return window.__xss === undefined && document.querySelectorAll('main script, main img').length === 0")).isEqualTo(true);
    }

    @Test
    void everyPageFitsAPhoneScreen() throws Exception {
        ChromeDriver phone = BrowserTestSupport.start(375, 800);
        try {
            for (String page : List.of("/", "/course/08-the-attention-mechanism", "/tokenize", "/sampling", "/training")) {
                phone.get(base + page);
                new WebDriverWait(phone, Duration.ofSeconds(20)).until(d -> ((JavascriptExecutor) d).executeScript(
                        "return document.querySelector('.loading') === null"));
                Object overflow = ((JavascriptExecutor) phone).executeScript("return document.documentElement.scrollWidth - window.innerWidth");
                assertThat(((Number) overflow).intValue()).as(page).isLessThanOrEqualTo(0);
                BrowserTestSupport.screenshot(phone, "phone" + page.replace('/', '-'));
            }
            assertThat(BrowserTestSupport.consoleErrors(phone)).isEmpty();
        } finally {
            phone.quit();
        }
    }

    /**
     * Behind a load balancer, a replica that dies mid-answer leaves a stream without its closing
     * [DONE]. The page passes the real answer's first event through and then ends the stream, as a
     * proxy would: the chat must say the answer was cut off instead of showing it as finished.
     */
    @Test
    void aStreamThatEndsBeforeDoneIsShownAsCutOff() {
        driver.get(base + "/");
        WebElement q = waitUp(10).until(ExpectedConditions.elementToBeClickable(By.id("question")));
        js("""
                const realFetch = window.fetch;
                window.fetch = async (url, init) => {
                  const res = await realFetch(url, init);
                  if (!String(url).includes('/v1/chat/completions')) return res;
                  const text = await res.text();
                  const firstEvent = text.slice(0, text.indexOf('\\n\\n') + 2);
                  const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(firstEvent)); c.close(); } });
                  return new Response(body, { status: res.status, headers: res.headers });
                };""");
        q.sendKeys("What is a neuron?");
        driver.findElement(By.id("send")).click();
        WebElement error = waitUp(60).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".msg.assistant .error")));
        assertThat(error.getText()).contains("cut off");
        assertThat(driver.findElements(By.cssSelector(".inspect-link"))).isEmpty();
    }

    @Test
    void aMissingTraceShowsAClearMessage() {
        driver.get(base + "/inspect/trace-that-is-gone");
        WebElement error = waitUp(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error")));
        assertThat(error.getText()).contains("no longer kept");
    }
}
