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
 */
public record ApiServerConfig(Path dataDir, String bindAddress, int port, Store store, List<String> extraNames,
                              Duration bookmarkInterval, Duration watchTimeout) {

    public static final int DEFAULT_PORT = 6443;

    /** Defaults: all addresses, port 6443, bookmarks every minute, watches of 30 minutes. */
    public static ApiServerConfig of(Path dataDir, Store store) {
        return new ApiServerConfig(dataDir, "0.0.0.0", DEFAULT_PORT, store, List.of(), Duration.ofMinutes(1),
                Duration.ofMinutes(30));
    }

    public ApiServerConfig withBind(String address, int port) {
        return new ApiServerConfig(dataDir, address, port, store, extraNames, bookmarkInterval, watchTimeout);
    }

    public ApiServerConfig withExtraNames(List<String> names) {
        return new ApiServerConfig(dataDir, bindAddress, port, store, List.copyOf(names), bookmarkInterval, watchTimeout);
    }

    public ApiServerConfig withBookmarkInterval(Duration interval) {
        return new ApiServerConfig(dataDir, bindAddress, port, store, extraNames, interval, watchTimeout);
    }
}
