package dev.limbic.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code limbic} command line. Later issues add train, eval, predict, embed, sweep and serve. */
@Command(name = "limbic", mixinStandardHelpOptions = true, versionProvider = LimbicCli.Version.class,
        description = "Pure-Java ML kernel and emotion models.",
        subcommands = {SelfTestCommand.class, BenchCommand.class, DataCommand.class, EmbedCommand.class, TrainCommand.class,
                EvalCommand.class, PredictCommand.class, CommandLine.HelpCommand.class})
public final class LimbicCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The CLI as {@code main} runs it: a bad input ends in a one-line message and exit code 2, not a stack trace. */
    static CommandLine commandLine() {
        return new CommandLine(new LimbicCli())
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    // a clear one-line message for the user; the stack trace only with -Dlimbic.debug=true
                    cmd.getErr().println("limbic " + cmd.getCommandName() + ": " + ex.getMessage());
                    if (Boolean.getBoolean("limbic.debug")) {
                        ex.printStackTrace(cmd.getErr());
                    }
                    return 2;
                });
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LimbicCli.class.getPackage().getImplementationVersion();
            return new String[] {"limbic " + (v == null ? "dev" : v) + " on Java " + Runtime.version()};
        }
    }
}
