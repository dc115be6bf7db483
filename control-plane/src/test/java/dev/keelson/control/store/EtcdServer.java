package dev.keelson.control.store;

import dev.keelson.control.store.etcd.LocalEtcd;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd for a test class: started on loopback (random free ports, a temp data dir) before
 * the first test and stopped by its PID after the last. Without etcd installed the tests skip,
 * except with {@code CI=true}, where they fail: CI must run them.
 */
final class EtcdServer implements BeforeAllCallback, AfterAllCallback {
    private LocalEtcd etcd;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (LocalEtcd.binary().isEmpty()) {
            String why = "etcd is not installed (apt-get install etcd-server)";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(why + "; with CI=true the etcd tests must run");
            }
            Assumptions.abort(why);
        }
        etcd = LocalEtcd.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (etcd != null) {
            etcd.close();
        }
    }

    /** The client URL of the running etcd. */
    String endpoint() {
        return etcd.endpoint();
    }

    long pid() {
        return etcd.pid();
    }
}
