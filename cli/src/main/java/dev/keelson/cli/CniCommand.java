package dev.keelson.cli;

import dev.keelson.cni.daemon.AotCache;
import dev.keelson.cni.daemon.CniDaemon;
import dev.keelson.cni.daemon.Installer;
import dev.keelson.cni.daemon.Plugins;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keelson cni install|daemon}: puts the native client in a CNI bin directory once per
 * plugin, and runs the resident daemon it talks to.
 */
@Command(name = "cni", description = "Keelson's CNI plugins: install the fast exec client, run its daemon.",
        mixinStandardHelpOptions = true, subcommands = {CniCommand.Install.class, CniCommand.Daemon.class})
final class CniCommand {

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Install the client as DIR/<plugin> for each plugin, with the JVM fallback in DIR/"
                    + Installer.FALLBACK_FILE + " and its AOT cache in DIR/" + AotCache.FILE_NAME + ".")
    static final class Install implements Callable<Integer> {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/opt/cni/bin",
                description = "CNI bin directory (default: ${DEFAULT-VALUE}).")
        Path dir;
        @Option(names = "--plugins", paramLabel = "NAMES", split = ",", defaultValue = "loopback,host-local,bridge,macvlan,portmap",
                description = "Plugins to install (default: ${DEFAULT-VALUE}).")
        List<String> plugins;
        @Option(names = "--no-aot-cache", description = "Do not train an AOT cache for the JVM fallback "
                + "(the training runs plugins in two throwaway network namespaces for a few seconds).")
        boolean noAotCache;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String java = ProcessHandle.current().info().command()
                    .orElseThrow(() -> new IllegalStateException("cannot tell which java runs keelson"));
            // Absolute, so the fallback works whatever directory the runtime execs the plugin from.
            String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .map(p -> Path.of(p).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
            for (String p : plugins) {
                if (!Plugins.NAMES.contains(p)) {
                    throw new Main.UsageError("unknown plugin \"" + p + "\" (known: " + String.join(", ", Plugins.NAMES) + ")");
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            Path cache = null;
            if (!noAotCache) {
                long t0 = System.nanoTime();
                try {
                    cache = AotCache.create(java, classPath, dir);
                    out.printf("AOT cache %s (%.1f MB, trained in %.1f s)%n", cache,
                            Files.size(cache) / 1e6, (System.nanoTime() - t0) / 1e9);
                } catch (IOException e) {
                    // The fallback still works without a cache, only slower: say so and go on.
                    spec.commandLine().getErr().println("keelson cni install: no AOT cache for the fallback: " + e.getMessage());
                }
            }
            for (Path p : Installer.install(Libexec.program("keelson-cni-client"), dir, plugins,
                    Installer.fallbackCommand(java, classPath, cache))) {
                out.println("installed " + p);
            }
            return 0;
        }
    }

    @Command(name = "daemon", mixinStandardHelpOptions = true,
            description = "Run the CNI daemon in the foreground (one log line per request with --debug).")
    static final class Daemon implements Callable<Integer> {
        @Option(names = "--socket", paramLabel = "PATH", description = "Unix socket (default: /run/keelson/cni.sock).")
        Path socket = CniDaemon.DEFAULT_SOCKET;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (debug(spec.commandLine())) {
                Logger log = Logger.getLogger(CniDaemon.class.getName());
                ConsoleHandler h = new ConsoleHandler();
                h.setLevel(Level.FINE);
                h.setFormatter(new java.util.logging.Formatter() {
                    @Override
                    public String format(java.util.logging.LogRecord r) {
                        return r.getInstant() + " " + formatMessage(r) + System.lineSeparator();
                    }
                });
                log.setLevel(Level.FINE);
                log.addHandler(h);
            }
            CniDaemon daemon = CniDaemon.start(socket);
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close));
            spec.commandLine().getErr().println("keelson cni daemon: listening on " + daemon.socket());
            daemon.awaitClose();
            return 0;
        }

        private static boolean debug(CommandLine cl) {
            for (CommandLine c = cl; c != null; c = c.getParent()) {
                if (c.getParseResult() != null && c.getParseResult().hasMatchedOption("--debug")) {
                    return true;
                }
            }
            return false;
        }
    }
}
