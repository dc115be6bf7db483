package dev.keelson.cli;

import dev.keelson.control.store.Store;
import java.nio.file.Path;

/** Opens the store {@code keelson server --store} names: "sqlite" or an etcd URL. */
final class ServerStores {
    private ServerStores() {}

    static Store open(String spec, Path dataDir) {
        if (spec.equals("sqlite")) {
            // The SQLite store lands with the store package; it is wired here when merged.
            throw new IllegalStateException("the sqlite store is not in this build yet (it would live in "
                    + dataDir.resolve("store.db") + ")");
        }
        if (spec.startsWith("http://") || spec.startsWith("https://")) {
            throw new IllegalStateException("the etcd store is not in this build yet (asked for " + spec + ")");
        }
        throw new Main.UsageError("--store must be \"sqlite\" or an etcd URL (http://host:2379), not \"" + spec + "\"");
    }
}
