package glassbox.server.lab;

import glassbox.server.RequestBody;
import glassbox.server.Services;
import io.javalin.Javalin;

/** The lab's generation endpoints: one step of the inference loop on the real engine (lessons 18 and 19). */
public final class GenerationLabApi {
    private final GenerationStep step;

    public GenerationLabApi(Services services) {
        this.step = new GenerationStep(services.engine());
    }

    public void register(Javalin app) {
        app.post("/api/generate/step", ctx -> ctx.json(step.run(step.parse(RequestBody.json(ctx)))));
    }
}
