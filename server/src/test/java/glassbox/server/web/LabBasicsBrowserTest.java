package glassbox.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import glassbox.server.TestServer;

/** Lesson 00's widget (browser math) against the lesson's worked example, and how widgets are mounted. */
class LabBasicsBrowserTest {

    @Test
    void vectorsReproduceTheWorkedExampleAndFollowTheSliders() throws Exception {
        LabPage lab = LabPage.open("00-vectors-and-tensors");
        // the defaults are the two rows of W in the worked example: dot 1, lengths √5 and √11, cosine 0.135
        assertThat(lab.number("dot")).isEqualTo(1.0);
        assertThat(lab.number("norm-a")).isCloseTo(Math.sqrt(5), within(1e-3));
        assertThat(lab.number("cosine")).isCloseTo(1 / Math.sqrt(55), within(1e-3));
        // exercise 1: a = (2, -1, 2), b = (1, 2, 2) → lengths 3 and 3, dot 4, cosine 4/9
        String[] a = {"2", "-1", "2"}, b = {"1", "2", "2"};
        for (int i = 0; i < 3; i++) {
            lab.set("input[type=range]", i, a[i]).set("input[type=range]", 3 + i, b[i]);
        }
        assertThat(lab.number("dot")).isEqualTo(4.0);
        assertThat(lab.number("norm-b")).isEqualTo(3.0);
        assertThat(lab.number("cosine")).isCloseTo(4.0 / 9, within(1e-3));
        // the shape calculator: the lesson's batch of 64 inputs through a 784 × 128 layer
        assertThat(lab.value("matmul")).startsWith("(64, 128)");
        lab.set("input[type=text]", 0, "3, 1").set("input[type=text]", 1, "1, 4");
        assertThat(lab.value("broadcast")).isEqualTo("(3, 4)");
        lab.set("input[type=text]", 0, "3").set("input[type=text]", 1, "4");
        assertThat(lab.value("broadcast")).startsWith("undefined");
        lab.finish();
    }

    @Test
    void theLessonPageMountsItsWidgetUnderTryItAndLinksToItAlone() throws Exception {
        var driver = LabPage.driver();
        BrowserTestSupport.consoleErrors(driver);
        driver.get(TestServer.url() + "/course/00-vectors-and-tensors");
        new WebDriverWait(driver, java.time.Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#lesson [data-lab='00-vectors-and-tensors'] [data-value='cosine']")));
        assertThat(driver.findElement(By.cssSelector("a[href='/lab/00-vectors-and-tensors']")).getText()).contains("own page");
        assertThat(BrowserTestSupport.consoleErrors(driver)).isEmpty();
    }

    @Test
    void anUnknownLabSaysSoInsteadOfABlankPage() throws Exception {
        var driver = LabPage.driver();
        BrowserTestSupport.consoleErrors(driver);
        driver.get(TestServer.url() + "/lab/no-such-lesson");
        var error = new WebDriverWait(driver, java.time.Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error")));
        assertThat(error.getText()).contains("no lesson");
    }
}
