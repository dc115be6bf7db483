package dev.keelson.control.api;

import dev.keelson.control.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to run an {@link ApiServer}.
 *
 * @param dataDir holds {@code pki/}, {@code tokens}, {@code encryption.key}, {@code admin.kubeconfig}
 * @param bindAddress e.g. {@code 0.0.0.0} (all), {@code 127.0.0.1}
 * @param port 6443 by default; 0 picks a free port (tests)
 * @param store where objects live; the server does not close it
 * @param extraNames more DNS names or IPs for the serving certificate
 * @param bookmarkInterval how often watches that allow bookmarks get one
 * @param watchTimeout how long a watch runs when the client gives no timeoutSeconds
 * @param serviceCidrs ranges of Service cluster IPs, at most one per family, the primary first
 *     ({@code --service-cluster-ip-range}); the first address of the first is the
 *     {@code kubernetes} Service's
 * @param nodePortFirst first port of the NodePort range ({@code --service-node-port-range})
 * @param nodePortLast last port of the NodePort range
 * @param advertiseAddress the address pods reach the server at (the {@code kubernetes} Service's
 *     endpoint); empty means the bind address, or the host's first non-loopback address for a
 *     wildcard bind
 */
public record ApiServerConfig(Path dataDir, String bindAddress, int port, Store store, List<String> extraNames,
                              Duration bookmarkInterval, Duration watchTimeout, List<String> serviceCidrs,
                              int nodePortFirst, int nodePortLast, String advertiseAddress) {

    public static final int DEFAULT_PORT = 6443;
    /** Kubernetes' default Service range ({@code kubeadm}'s {@code serviceSubnet}). */
    public static final String DEFAULT_SERVICE_CIDR = "10.96.0.0/12";

    /**
     * Defaults: all addresses, port 6443, bookmarks every minute, watches of 30 minutes, Services
     * in 10.96.0.0/12, node ports 30000–32767.
     */
    public static ApiServerConfig of(Path dataDir, Store store) {
        return new ApiServerConfig(dataDir, "0.0.0.0", DEFAULT_PORT, store, List.of(), Duration.ofMinutes(1),
                Duration.ofMinutes(30), List.of(DEFAULT_SERVICE_CIDR), 30000, 32767, "");
    }

    public ApiServerConfig withBind(String address, int port) {
        return new ApiServerConfig(dataDir, address, port, store, extraNames, bookmarkInterval, watchTimeout,
                serviceCidrs, nodePortFirst, nodePortLast, advertiseAddress);
    }

    public ApiServerConfig withExtraNames(List<String> names) {
        return new ApiServerConfig(dataDir, bindAddress, port, store, List.copyOf(names), bookmarkInterval,
                watchTimeout, serviceCidrs, nodePortFirst, nodePortLast, advertiseAddress);
    }

    public ApiServerConfig withBookmarkInterval(Duration interval) {
        return new ApiServerConfig(dataDir, bindAddress, port, store, extraNames, interval, watchTimeout,
                serviceCidrs, nodePortFirst, nodePortLast, advertiseAddress);
    }

    /** Service ranges, e.g. {@code ("10.96.0.0/12", "fd00:10:96::/112")} for dual stack. */
    public ApiServerConfig withServiceCidrs(List<String> cidrs) {
        return new ApiServerConfig(dataDir, bindAddress, port, store, extraNames, bookmarkInterval, watchTimeout,
                List.copyOf(cidrs), nodePortFirst, nodePortLast, advertiseAddress);
    }

    public ApiServerConfig withNodePortRange(int first, int last) {
        return new ApiServerConfig(dataDir, bindAddress, port, store, extraNames, bookmarkInterval, watchTimeout,
                serviceCidrs, first, last, advertiseAddress);
    }

    public ApiServerConfig withAdvertiseAddress(String address) {
        return new ApiServerConfig(dataDir, bindAddress, port, store, extraNames, bookmarkInterval, watchTimeout,
                serviceCidrs, nodePortFirst, nodePortLast, address);
    }
}
