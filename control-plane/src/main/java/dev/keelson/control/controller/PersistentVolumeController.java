package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.ApiException;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.control.model.VolumeClaims;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Binds PersistentVolumeClaims to PersistentVolumes, provisions hostPath volumes for the default
 * {@value #DEFAULT_CLASS} StorageClass ({@value VolumeClaims#LOCAL_PATH_PROVISIONER},
 * WaitForFirstConsumer) and reclaims released volumes. Every change of a volume, claim, class or
 * node runs one level-triggered pass of {@link BinderDecision} over the caches.
 */
public final class PersistentVolumeController implements AutoCloseable {
    /** The StorageClass this controller makes the default when no class is marked default. */
    public static final String DEFAULT_CLASS = "standard";
    /** The directory provisioned volumes go under when nothing else is configured. */
    public static final Path DEFAULT_ROOT = Path.of("/var/lib/keelson/local-path");
    private static final String KEY = "pass";
    private static final System.Logger LOG = System.getLogger(PersistentVolumeController.class.getName());

    private final KubeClient client;
    private final Informer volumes;
    private final Informer claims;
    private final Informer classes;
    private final Informer nodes;
    private final BinderDecision decision;
    private final Path root;
    private final WorkQueue queue = new WorkQueue();
    private ControllerLoop loop;

    public PersistentVolumeController(KubeClient client, Informer volumes, Informer claims, Informer classes,
                                      Informer nodes, Path root) {
        this.client = client;
        this.volumes = volumes;
        this.claims = claims;
        this.classes = classes;
        this.nodes = nodes;
        this.root = root;
        this.decision = new BinderDecision(VolumeClaims.LOCAL_PATH_PROVISIONER, root);
        Informer.Handler wake = Informer.Handler.of(o -> queue.add(KEY), o -> queue.add(KEY));
        for (Informer i : List.of(volumes, claims, classes, nodes)) {
            i.addHandler(wake);
        }
    }

    /** Ensures the default class exists, then starts the single worker. */
    public PersistentVolumeController start() {
        ensureDefaultClass();
        loop = new ControllerLoop("persistentvolume", queue, key -> pass()).start(1);
        queue.add(KEY);
        return this;
    }

    private void ensureDefaultClass() {
        ObjectNode sc = JsonNodeFactory.instance.objectNode().put("apiVersion", "storage.k8s.io/v1")
                .put("kind", "StorageClass");
        ObjectNode meta = sc.putObject("metadata").put("name", DEFAULT_CLASS);
        meta.putObject("annotations").put("storageclass.kubernetes.io/is-default-class", "true");
        sc.put("provisioner", VolumeClaims.LOCAL_PATH_PROVISIONER).put("reclaimPolicy", "Delete")
                .put("volumeBindingMode", VolumeClaims.WAIT_FOR_FIRST_CONSUMER);
        try {
            client.create(Resource.STORAGECLASSES, null, sc);
        } catch (ApiException e) {
            if (!e.alreadyExists()) {
                throw e;
            }
        }
    }

    void pass() {
        Map<String, JsonNode> byName = new HashMap<>();
        classes.list().forEach(c -> byName.put(c.path("metadata").path("name").asText(), c));
        Map<String, Map<String, String>> nodeLabels = new HashMap<>();
        for (ObjectNode n : nodes.list()) {
            Map<String, String> labels = new HashMap<>();
            n.path("metadata").path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            nodeLabels.put(n.path("metadata").path("name").asText(), labels);
        }
        var state = new BinderDecision.State(volumes.list(), claims.list(), byName, nodeLabels);
        for (BinderDecision.Action a : decision.plan(state)) {
            try {
                apply(a);
            } catch (ApiException e) {
                if (!e.conflict() && !e.notFound() && !e.alreadyExists()) {
                    throw e;
                }
                // a stale cache: the write's event (or the newer object's) brings another pass
            }
        }
    }

    private void apply(BinderDecision.Action a) {
        ObjectNode o = a.object();
        String ns = o.path("metadata").path("namespace").asText(null);
        switch (a.op()) {
            case CREATE_VOLUME -> client.create(Resource.PERSISTENTVOLUMES, null, o);
            case UPDATE_VOLUME -> client.update(Resource.PERSISTENTVOLUMES, o, null);
            case VOLUME_STATUS -> client.update(Resource.PERSISTENTVOLUMES, o, "status");
            case UPDATE_CLAIM -> client.update(Resource.PERSISTENTVOLUMECLAIMS, o, null);
            case CLAIM_STATUS -> client.update(Resource.PERSISTENTVOLUMECLAIMS, o, "status");
            case DELETE_VOLUME -> {
                client.delete(Resource.PERSISTENTVOLUMES, ns, a.name(), null);
                removeDirectory(o);
            }
        }
    }

    /** A provisioned volume's directory goes with it, if it lives under our root on this machine. */
    private void removeDirectory(JsonNode pv) {
        if (!VolumeClaims.LOCAL_PATH_PROVISIONER.equals(VolumeClaims.annotation(pv, VolumeClaims.PROVISIONED_BY))) {
            return;
        }
        Path dir = Path.of(pv.path("spec").path("hostPath").path("path").asText("/")).normalize();
        if (!dir.startsWith(root) || dir.equals(root) || !Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "removing {0}: {1}", dir, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
