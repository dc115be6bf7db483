package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import java.time.Duration;
import java.util.List;

/**
 * The scheduler's caches of PersistentVolumeClaims, PersistentVolumes and StorageClasses; any change
 * runs {@code onChange} (the scheduler retries pods that waited for a claim).
 */
final class InformerVolumes implements VolumeObjects, AutoCloseable {
    private final Informer claims;
    private final Informer volumes;
    private final Informer classes;

    InformerVolumes(KubeClient client, Runnable onChange) {
        Informer.Handler wake = Informer.Handler.of(o -> onChange.run(), o -> onChange.run());
        this.claims = new Informer(client, Resource.PERSISTENTVOLUMECLAIMS, null, null, wake);
        this.volumes = new Informer(client, Resource.PERSISTENTVOLUMES, null, null, wake);
        this.classes = new Informer(client, Resource.STORAGECLASSES, null, null, wake);
    }

    InformerVolumes start(Duration syncTimeout) throws InterruptedException {
        for (Informer i : List.of(claims, volumes, classes)) {
            i.start();
        }
        for (Informer i : List.of(claims, volumes, classes)) {
            if (!i.awaitSynced(syncTimeout)) {
                throw new IllegalStateException("scheduler: volume caches did not sync within " + syncTimeout);
            }
        }
        return this;
    }

    @Override
    public JsonNode claim(String namespace, String name) {
        return claims.get(namespace + "/" + name);
    }

    @Override
    public JsonNode volume(String name) {
        return volumes.get(name);
    }

    @Override
    public JsonNode storageClass(String name) {
        return classes.get(name);
    }

    @Override
    public Iterable<? extends JsonNode> volumes() {
        return volumes.list();
    }

    @Override
    public void close() {
        claims.close();
        volumes.close();
        classes.close();
    }
}
