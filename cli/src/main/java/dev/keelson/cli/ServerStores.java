package dev.keelson.cli;

import dev.keelson.control.store.Store;
import java.nio.file.Path;

/** Opens the store {@code keelson server --store} names: "sqlite" or an etcd URL. */
public final class ServerStores {
    private ServerStores() {}

    /** Opens the store {@code spec} names, the SQLite one in {@code dataDir}. */
    public static Store open(String spec, Path dataDir) {
        if (spec.equals("sqlite")) {
            try {
                java.nio.file.Files.createDirectories(dataDir);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot create " + dataDir + ": " + e.getMessage(), e);
            }
            return dev.keelson.control.store.sqlite.SqliteStore.open(dataDir.resolve("store.db"));
        }
        if (spec.startsWith("http://") || spec.startsWith("https://")) {
            return dev.keelson.control.store.etcd.EtcdStore.connect(spec);
        }
        throw new Main.UsageError("--store must be \"sqlite\" or an etcd URL (http://host:2379), not \"" + spec + "\"");
    }
}
