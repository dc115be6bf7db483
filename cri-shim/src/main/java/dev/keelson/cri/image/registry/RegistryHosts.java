package dev.keelson.cri.image.registry;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * How to reach registries, as containerd's {@code registry.mirrors} and {@code registry.configs}
 * say it: for each host a list of mirror endpoints tried in order before the host itself, hosts
 * spoken to over plain HTTP, credentials per host, and the TLS context for HTTPS.
 *
 * @param mirrors host (as in the image reference, e.g. {@code registry.k8s.io}) → endpoint base
 *        URIs such as {@code http://127.0.0.1:5000}
 * @param plainHttp hosts reached over {@code http://} when they are the origin endpoint
 * @param credentials host (or mirror authority) → user and password for Basic auth and token requests
 * @param ssl the TLS context for HTTPS (trust store), or null for the JDK default
 */
public record RegistryHosts(Map<String, List<URI>> mirrors, Set<String> plainHttp,
        Map<String, Credentials> credentials, SSLContext ssl) {
    public RegistryHosts {
        mirrors = Map.copyOf(mirrors);
        plainHttp = Set.copyOf(plainHttp);
        credentials = Map.copyOf(credentials);
    }

    /** No mirrors, HTTPS everywhere, anonymous, the JDK's trust store. */
    public static RegistryHosts defaults() {
        return new RegistryHosts(Map.of(), Set.of(), Map.of(), null);
    }

    /** These hosts with {@code c} as the credentials for {@code host} (the others kept). */
    public RegistryHosts withCredentials(String host, Credentials c) {
        Map<String, Credentials> all = new java.util.HashMap<>(credentials);
        all.put(host, c);
        return new RegistryHosts(mirrors, plainHttp, all, ssl);
    }

    /** User name and password (or identity token) for a registry. */
    public record Credentials(String username, String password) {
    }

    /**
     * The endpoints to try for {@code host}, in order: its mirrors, then the host itself
     * ({@code docker.io} is served by {@code registry-1.docker.io}).
     */
    public List<URI> endpoints(String host) {
        List<URI> out = new ArrayList<>(mirrors.getOrDefault(host, List.of()));
        String origin = host.equals("docker.io") ? "registry-1.docker.io" : host;
        out.add(URI.create((plainHttp.contains(host) ? "http://" : "https://") + origin));
        return out;
    }

    /** Credentials for {@code authority} (endpoint host[:port]) or the reference's {@code host}. */
    public Credentials credentialsFor(String authority, String host) {
        Credentials c = credentials.get(authority);
        return c != null ? c : credentials.get(host);
    }
}
