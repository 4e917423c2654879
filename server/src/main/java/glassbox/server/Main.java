package glassbox.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one command-line entry point: {@code glassbox serve|train|index|search|generate|bench}. */
@Command(name = "glassbox",
        mixinStandardHelpOptions = true,
        version = "Glassbox 0.1.0",
        description = "A tiny LLM you can see through.",
        subcommands = {ServeCommand.class, TrainCommand.class, IndexCommand.class, SearchCommand.class, GenerateCommand.class, BenchCommand.class,
                EvalCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
