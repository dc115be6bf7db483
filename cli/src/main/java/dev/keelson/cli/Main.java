package dev.keelson.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code keelson} command. */
@Command(name = "keelson", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Keelson: Linux node agent and networking toolkit.",
        subcommands = {UpCommand.class, DownCommand.class, ServerCommand.class, NetnsCommand.class, CniCommand.class, CriCommand.class, NodeCommand.class, ProxyCommand.class, BenchCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** Exit code for a failed operation (like iproute2's). */
    static final int FAILED = 1;
    /** Exit code for a usage error (picocli's convention). */
    static final int USAGE = 2;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * {@code keelson} with {@code cri} as its only subcommand: the long-running CRI runtime parses its
     * arguments without building the model of every other command (their classes, option specs and
     * strings stay out of its memory). Same name, options and messages as {@link Main}.
     */
    @Command(name = "keelson", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Keelson: Linux node agent and networking toolkit.", subcommands = {CriCommand.class})
    static final class CriOnly {
        @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
        boolean debug;
    }

    /** Runs the command line and returns the exit code; output goes to {@code out} and {@code err}. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        boolean cri = args.length > 0 && args[0].equals("cri");
        CommandLine cl = new CommandLine(cri ? new CriOnly() : new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("keelson: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        return cl.execute(args);
    }

    /** Turns exceptions into one line on stderr (the whole trace with --debug) and an exit code. */
    static final class Errors implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
            PrintWriter err = cl.getErr();
            boolean debug = parsed.hasMatchedOption("--debug") || parsed.subcommands().stream()
                    .anyMatch(p -> p.hasMatchedOption("--debug"));
            if (ex instanceof UsageError u) {
                err.println("keelson: " + u.getMessage());
                return USAGE;
            }
            err.println("keelson: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            if (debug) {
                ex.printStackTrace(err);
            }
            return FAILED;
        }
    }

    /** A usage mistake found after parsing (exit 2). */
    static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"keelson " + (v != null ? v : "(development build)"),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"};
        }
    }
}
