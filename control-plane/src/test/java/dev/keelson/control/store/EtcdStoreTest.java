package dev.keelson.control.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keelson.control.store.etcd.EtcdStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite against a real etcd, through jetcd; a restart is a new client. */
class EtcdStoreTest extends StoreConformance {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @Override
    protected Store open() {
        return EtcdStore.connect(ETCD.endpoint());
    }

    @Override
    protected Store reopen(Store s) {
        s.close();
        return EtcdStore.connect(ETCD.endpoint());
    }

    @Test
    void theServerIsOneThisTestStarted() {
        assertTrue(ProcessHandle.of(ETCD.pid()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)
                .filter(pp -> pp == ProcessHandle.current().pid()).isPresent(), "etcd is a child of the test JVM");
    }

    @Test
    void anUnreachableEndpointFailsWithAStoreException() {
        try (EtcdStore dead = EtcdStore.connect("http://127.0.0.1:1", Duration.ofSeconds(2))) {
            StoreException e = assertThrows(StoreException.class, () -> dead.get("/x"));
            assertFalse(e.getMessage().isBlank());
        }
    }
}
