package glassbox.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import glassbox.model.train.LearningRateSchedule;
import glassbox.server.Json;
import glassbox.server.TestServer;

/**
 * The training lessons' widgets (13–17, 20): real numbers against the model directory and the
 * trainer's own code, browser math against each lesson's worked example.
 */
class LabTrainingBrowserTest {

    private static JsonNode trainingJson() throws Exception {
        Path dir = TestServer.services().engine().info().dir();
        return Json.MAPPER.readTree(dir.resolve("training.json").toFile());
    }

    @Test
    void pretrainingLoopShowsTheRealScheduleAndTheWorkedExample() throws Exception {
        LabPage lab = LabPage.open("14-the-pretraining-loop");
        // the real run: the learning rate the trainer's own schedule gives at step 400 (0-based 399), and the recorded loss
        JsonNode t = trainingJson(), c = t.get("config");
        var schedule = new LearningRateSchedule((float) c.get("learning_rate").asDouble(), (float) c.get("min_learning_rate").asDouble(),
                c.get("warmup_steps").asInt(), c.get("max_steps").asInt());
        String before = lab.value("real-lr");
        assertThat(lab.number("real-lr")).isCloseTo(schedule.at(0), within(1e-7));
        lab.set("input[type=range]", 0, "400");
        lab.valueChangedFrom("real-lr", before);
        assertThat(lab.number("real-lr")).isCloseTo(schedule.at(399), within(schedule.at(399) * 1e-3));
        assertThat(lab.number("real-train-loss")).isCloseTo(t.get("curve").get(399).get("train_loss").asDouble(), within(1e-4));
        assertThat(lab.value("real-val-loss")).contains("step 400");
        // the worked example: 5.5e-4 at step 1,550, 5e-4 at step 50, the floor at 3,000; exercise 1: 8.77e-4 at step 800
        assertThat(lab.number("lr")).isCloseTo(5.5e-4, within(1e-9));
        lab.set("input[type=number]", 4, "50");
        assertThat(lab.number("lr")).isCloseTo(5e-4, within(1e-9));
        lab.set("input[type=number]", 4, "3000");
        assertThat(lab.number("lr")).isCloseTo(1e-4, within(1e-9));
        lab.set("input[type=number]", 4, "800");
        assertThat(lab.number("lr")).isCloseTo(8.77e-4, within(5e-7));
        // clipping a norm of 4 at 1: every gradient × 0.25
        assertThat(lab.number("clip-scale")).isEqualTo(0.25);
        // exercise 3: the steady tiny gradient moves about the learning rate, the flipping one about 0.053 of it
        assertThat(lab.number("ratio-a")).isCloseTo(1.0, within(1e-3));
        assertThat(Math.abs(lab.number("ratio-b"))).isCloseTo(0.1 / 1.9, within(1e-3));
        lab.set("input[type=text]", 1, "1");
        assertThat(lab.number("ratio-b")).isCloseTo(1.0, within(1e-3));
        lab.finish();
    }
}
