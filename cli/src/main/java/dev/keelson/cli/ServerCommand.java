package dev.keelson.cli;

import dev.keelson.control.api.ApiServer;
import dev.keelson.control.api.ApiServerConfig;
import dev.keelson.control.store.Store;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keelson server}: runs the Kubernetes-compatible API server until interrupted, and says
 * where the admin kubeconfig is.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the API server (HTTPS, HTTP/2) that kubectl talks to.")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/keelson/server",
            description = "PKI, tokens, encryption key, kubeconfig and the embedded store (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "6443",
            description = "HTTPS port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--store", paramLabel = "STORE", defaultValue = "sqlite",
            description = "sqlite (embedded, in the data directory) or an etcd URL such as http://127.0.0.1:2379 "
                    + "(default: ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--tls-san", paramLabel = "NAME", split = ",",
            description = "Extra DNS names or IPs for the serving certificate.")
    List<String> extraNames = List.of();

    @Option(names = "--no-controllers", negatable = false,
            description = "Run only the API server: no scheduler and no controller manager.")
    boolean noControllers;

    @Option(names = "--scheduling", paramLabel = "STRATEGY", defaultValue = "LeastAllocated",
            description = "Scheduler scoring of node resources: LeastAllocated (spread) or MostAllocated "
                    + "(bin packing) (default: ${DEFAULT-VALUE}).")
    String scheduling;

    @Spec
    CommandSpec spec;

    private dev.keelson.control.scheduler.plugins.NodeResourcesFit.Strategy strategy() {
        return switch (scheduling) {
            case "LeastAllocated" -> dev.keelson.control.scheduler.plugins.NodeResourcesFit.Strategy.LEAST_ALLOCATED;
            case "MostAllocated" -> dev.keelson.control.scheduler.plugins.NodeResourcesFit.Strategy.MOST_ALLOCATED;
            default -> throw new Main.UsageError("--scheduling must be LeastAllocated or MostAllocated, not \"" + scheduling + "\"");
        };
    }

    @Override
    public Integer call() throws Exception {
        strategy();
        if (port < 0 || port > 65535) {
            throw new Main.UsageError("--port must be between 0 and 65535, not " + port);
        }
        try (Store s = ServerStores.open(store, dataDir);
             ApiServer api = ApiServer.start(ApiServerConfig.of(dataDir, s).withBind(bind, port)
                     .withExtraNames(extraNames))) {
            var out = spec.commandLine().getOut();
            out.println("keelson: API server listening on " + bind + ":" + api.port() + " (" + api.url() + ")");
            ControlLoops loops = noControllers ? null : ControlLoops.start(api.kubeconfig(), strategy());
            if (loops != null) {
                Runtime.getRuntime().addShutdownHook(new Thread(loops::close, "keelson-controllers-stop"));
                out.println("keelson: scheduler (" + scheduling + ") and controller manager running");
            }
            out.println("keelson: admin kubeconfig: " + api.kubeconfig());
            out.println("keelson: try: kubectl --kubeconfig " + api.kubeconfig() + " get namespaces");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "keelson-server-stop"));
            stop.await();
        }
        return 0;
    }
}
