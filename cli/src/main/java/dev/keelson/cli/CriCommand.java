package dev.keelson.cli;

import dev.keelson.cri.oci.RuntimeHandler;
import dev.keelson.cri.server.CriNode;
import dev.keelson.cri.server.CriServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keelson cri}: the CRI runtime in the foreground, serving RuntimeService and ImageService
 * on a Unix socket until SIGTERM/SIGINT (a shutdown hook closes the server; pods keep running).
 */
@Command(name = "cri", mixinStandardHelpOptions = true,
        description = "Run the CRI runtime (runtime.v1) on a Unix socket; one log line per RPC with --debug.")
final class CriCommand implements Callable<Integer> {
    @Option(names = "--socket", paramLabel = "PATH", description = "Unix socket (default: ${DEFAULT-VALUE}).")
    Path socket = CriServer.DEFAULT_SOCKET;
    @Option(names = "--root", paramLabel = "DIR", description = "State root (default: ${DEFAULT-VALUE}).")
    Path root = Path.of("/var/lib/keelson/cri");
    @Option(names = "--cni-conf-dir", paramLabel = "DIR", description = "CNI network configs (default: ${DEFAULT-VALUE}).")
    Path cniConfDir = Path.of("/etc/cni/net.d");
    @Option(names = "--cni-bin-dir", paramLabel = "DIR", description = "CNI plugin directory, repeatable (default: /opt/cni/bin).")
    List<Path> cniBinDirs = new ArrayList<>();
    @Option(names = "--runtime", paramLabel = "NAME", description = "Default OCI runtime: runc or crun (default: ${DEFAULT-VALUE}).")
    String runtime = "runc";
    @Option(names = "--sandbox-runtime", paramLabel = "NAME",
            description = "OCI runtime of every pod's pause container, whatever the pod's handler: runc, crun, or \"handler\" "
                    + "for the handler's own (default: crun when it is on PATH, else the handler's; here: ${DEFAULT-VALUE}).")
    String sandboxRuntime = Objects.requireNonNullElse(RuntimeHandler.defaultSandboxRuntime(), "handler");
    @Option(names = "--registry-mirror", paramLabel = "HOST=URL",
            description = "Mirror endpoint for a registry host, repeatable, tried in order (e.g. registry.k8s.io=http://127.0.0.1:5000).")
    List<String> mirrors = new ArrayList<>();
    @Option(names = "--insecure-registry", paramLabel = "HOST", description = "Registry host spoken to over plain HTTP, repeatable.")
    List<String> insecure = new ArrayList<>();
    @Option(names = "--cgroup-parent", paramLabel = "PATH", description = "cgroupfs parent of pods (default: ${DEFAULT-VALUE}).")
    String cgroupParent = "/keelson";
    @Option(names = "--stream-address", paramLabel = "ADDR",
            description = "Address of the streaming server behind Exec/PortForward URLs (default: ${DEFAULT-VALUE}).")
    String streamAddress = "127.0.0.1";
    @Option(names = "--stream-port", paramLabel = "PORT", description = "Its port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int streamPort = 0;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (!RuntimeHandler.RUNTIMES.contains(runtime)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runtime must be runc or crun, not \"" + runtime + "\"");
        }
        if (!RuntimeHandler.RUNTIMES.contains(sandboxRuntime) && !sandboxRuntime.equals("handler")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--sandbox-runtime must be runc, crun or handler, not \"" + sandboxRuntime + "\"");
        }
        boolean debug = debug(spec.commandLine());
        IdleCollector idle = new IdleCollector().start();
        CriNode node = CriNode.start(new CriNode.Options(socket, root, cniConfDir,
                cniBinDirs.isEmpty() ? List.of(Path.of("/opt/cni/bin")) : cniBinDirs, runtime, mirrors(mirrors),
                Set.copyOf(insecure), Libexec.program("keelson-cri-shim").getParent(), cgroupParent,
                line -> {
                    idle.touch();
                    if (debug) {
                        err.println(Instant.now() + " " + line);
                    }
                }, streamAddress(), sandboxRuntime.equals("handler") ? null : sandboxRuntime));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (IOException e) {
                err.println("keelson cri: " + e.getMessage());
            }
        }));
        err.println("keelson cri: listening on " + node.server().socket() + ", streaming on " + node.streaming().base());
        node.server().awaitTermination();
        return 0;
    }

    private java.net.InetSocketAddress streamAddress() {
        if (streamPort < 0 || streamPort > 65535) {
            throw new Main.UsageError("--stream-port must be 0..65535, not " + streamPort);
        }
        try {
            return new java.net.InetSocketAddress(java.net.InetAddress.getByName(streamAddress), streamPort);
        } catch (java.net.UnknownHostException e) {
            throw new Main.UsageError("--stream-address: unknown host \"" + streamAddress + "\"");
        }
    }

    /** {@code HOST=URL} options grouped by host, in the order given. */
    static Map<String, List<URI>> mirrors(List<String> specs) {
        Map<String, List<URI>> out = new LinkedHashMap<>();
        for (String s : specs) {
            int eq = s.indexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                throw new Main.UsageError("--registry-mirror wants HOST=URL, not \"" + s + "\"");
            }
            URI u = URI.create(s.substring(eq + 1));
            if (u.getScheme() == null || u.getHost() == null) {
                throw new Main.UsageError("--registry-mirror " + s + ": URL needs a scheme and a host");
            }
            out.computeIfAbsent(s.substring(0, eq), k -> new ArrayList<>()).add(u);
        }
        return out;
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
