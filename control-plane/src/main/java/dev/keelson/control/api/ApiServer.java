package dev.keelson.control.api;

import dev.keelson.control.api.auth.Kubeconfig;
import dev.keelson.control.api.auth.Pki;
import dev.keelson.control.api.auth.TokenFile;
import dev.keelson.control.api.discovery.Discovery;
import dev.keelson.control.api.http.ApiRouter;
import dev.keelson.control.api.http.HttpsServer;
import dev.keelson.control.api.admission.DefaultStorageClass;
import dev.keelson.control.api.registry.ResourceRegistry;
import dev.keelson.control.api.rest.WriteHooks;
import dev.keelson.control.api.alloc.ServiceAllocator;
import dev.keelson.control.api.rest.KubernetesService;
import dev.keelson.control.api.rest.ObjectWriter;
import dev.keelson.control.api.rest.Replies;
import dev.keelson.control.api.rest.RestHandler;
import dev.keelson.control.api.rest.SystemNamespaces;
import dev.keelson.control.api.storage.ResourceStorage;
import dev.keelson.control.api.storage.SecretEncryption;
import dev.keelson.control.api.subresource.KubeletExecProxy;
import dev.keelson.control.api.subresource.KubeletLogProxy;
import dev.keelson.control.api.table.TableConverter;
import dev.keelson.control.api.watch.WatchHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * The Kubernetes-compatible API server: HTTPS (HTTP/2 and HTTP/1.1) with bearer tokens in front of
 * the generic REST layer over a {@link dev.keelson.control.store.Store}.
 *
 * <pre>
 *   try (ApiServer api = ApiServer.start(ApiServerConfig.of(dir, store).withBind("127.0.0.1", 0))) {
 *       // kubectl --kubeconfig api.kubeconfig() get ns
 *   }
 * </pre>
 *
 * On first start it creates in the data directory a CA and serving certificate ({@code pki/}), an
 * admin token ({@code tokens}), the key for secrets at rest ({@code encryption.key}) and
 * {@code admin.kubeconfig}; later starts reuse them. Every start makes sure the system namespaces
 * ({@code default}, {@code kube-system}, {@code kube-public}, {@code kube-node-lease}) exist,
 * reconciles the Service IP and node-port allocation records with the stored Services, and points
 * the {@code default/kubernetes} Service at this server.
 */
public final class ApiServer implements AutoCloseable {
    private final HttpsServer https;
    private final Pki pki;
    private final TokenFile tokens;
    private final Path kubeconfig;
    private final URI url;

    private ApiServer(HttpsServer https, Pki pki, TokenFile tokens, Path kubeconfig, URI url) {
        this.https = https;
        this.pki = pki;
        this.tokens = tokens;
        this.kubeconfig = kubeconfig;
        this.url = url;
    }

    /** Sets up the data directory, starts listening, and writes the admin kubeconfig. */
    public static ApiServer start(ApiServerConfig config) throws IOException {
        Path data = config.dataDir();
        Pki pki = Pki.loadOrCreate(data.resolve("pki"), config.extraNames());
        TokenFile tokens = TokenFile.loadOrCreate(data.resolve("tokens"));
        SecretEncryption encryption = SecretEncryption.loadOrCreate(data.resolve("encryption.key"));
        Clock clock = Clock.systemUTC();
        ResourceRegistry registry = ResourceRegistry.builtins();
        ResourceStorage storage = new ResourceStorage(config.store(), encryption);
        ServiceAllocator allocator = ServiceAddresses.allocator(config);
        ServiceAddresses.repair(registry, storage, allocator);
        TableConverter tables = new TableConverter(clock);
        SSLContext nodeTrust;
        try {
            nodeTrust = pki.kubeletClientContext();
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot build the TLS context for node connections", e);
        }
        ObjectWriter writer = new ObjectWriter(storage, clock,
                WriteHooks.both(allocator, new DefaultStorageClass(registry, storage)));
        SystemNamespaces.ensure(registry, writer);
        RestHandler rest = new RestHandler(registry, writer, new Replies(tables),
                new WatchHandler(storage, tables, config.bookmarkInterval(), config.watchTimeout()),
                new KubeletLogProxy(nodeTrust), new KubeletExecProxy(nodeTrust));
        String host = clientHost(config.bindAddress());
        AtomicReference<HttpsServer> bound = new AtomicReference<>();
        ApiRouter router = new ApiRouter(new Discovery(registry), rest, () -> host + ":" + bound.get().port(),
                new dev.keelson.control.api.subresource.MetricsAggregator(registry, storage, nodeTrust));
        char[] password = randomPassword();
        try {
            bound.set(new HttpsServer(config.bindAddress(), config.port(), pki.servingKeyStore(password), password,
                    router, tokens, Duration.ofMinutes(5)));
        } catch (Exception e) {
            throw new IOException("cannot start the API server on " + config.bindAddress() + ":" + config.port()
                    + ": " + e.getMessage(), e);
        }
        HttpsServer https = bound.get();
        try {
            KubernetesService.ensure(registry, writer, allocator.firstIp(),
                    ServiceAddresses.advertised(config), https.port());
        } catch (RuntimeException e) {
            https.close();
            throw new IOException("cannot publish the kubernetes Service: " + e.getMessage(), e);
        }
        URI url = URI.create("https://" + host + ":" + https.port());
        Path kubeconfig = data.resolve("admin.kubeconfig");
        try {
            Kubeconfig.write(kubeconfig, url.toString(), pki.caPem(), "admin",
                    tokens.adminToken().orElseThrow(() -> new IOException("no system:masters token in "
                            + data.resolve("tokens") + " for the admin kubeconfig")));
        } catch (IOException e) {
            https.close();
            throw e;
        }
        return new ApiServer(https, pki, tokens, kubeconfig, url);
    }

    private static char[] randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b).toCharArray();
    }

    /** The address clients should use for a bind address (loopback for wildcard binds). */
    static String clientHost(String bind) {
        if (bind.equals("0.0.0.0") || bind.isEmpty()) {
            return "127.0.0.1";
        }
        if (bind.equals("::")) {
            return "[::1]";
        }
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    public int port() {
        return https.port();
    }

    /** The HTTPS URL of this server as the admin kubeconfig names it. */
    public URI url() {
        return url;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public Pki pki() {
        return pki;
    }

    /** The admin bearer token (from the token file). */
    public String adminToken() {
        return tokens.adminToken().orElseThrow(() -> new IllegalStateException("the token file has no admin token"));
    }

    @Override
    public void close() {
        https.close();
    }
}
