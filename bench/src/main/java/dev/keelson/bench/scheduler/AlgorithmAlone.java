package dev.keelson.bench.scheduler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.bench.api.PodManifests;
import dev.keelson.control.scheduler.Algorithm;
import dev.keelson.control.scheduler.NodeInfo;
import dev.keelson.control.scheduler.PodInfo;
import dev.keelson.control.scheduler.Profile;
import dev.keelson.control.scheduler.Snapshot;
import dev.keelson.control.scheduler.plugins.NodeResourcesFit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The scheduling algorithm without the API: the same nodes and pods as the API phase, decoded
 * once into a {@link Snapshot} and {@link PodInfo}s, then each pod scheduled with the default
 * profile and placed on its node (as the scheduler assumes it) — what the scheduler's loop costs
 * before binding, informers and the API server take their share of the two cores.
 */
final class AlgorithmAlone {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ObjectNode> nodes = new ArrayList<>();
    private final List<PodInfo> pods = new ArrayList<>();

    AlgorithmAlone(int nodeCount, int podCount) {
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(parse(PodManifests.node("node-" + i)));
        }
        for (int i = 0; i < podCount; i++) {
            ObjectNode pod = parse(PodManifests.pod(SimulatedCluster.NAMESPACE, "p-" + i));
            ((ObjectNode) pod.path("metadata")).put("uid", "00000000-0000-0000-0000-" + String.format("%012d", i));
            pods.add(PodInfo.of(pod, i));
        }
    }

    /** Schedules every pod on a fresh snapshot; returns pods per second. */
    double round() {
        Snapshot snapshot = new Snapshot();
        nodes.forEach(n -> snapshot.putNode(NodeInfo.of(n)));
        Algorithm algorithm = new Algorithm(Profile.defaults(NodeResourcesFit.Strategy.LEAST_ALLOCATED));
        long start = System.nanoTime();
        for (PodInfo p : pods) {
            String node = algorithm.schedule(p, snapshot).node();
            if (node == null) {
                throw new IllegalStateException("bench scheduler: pod " + p.key() + " fits no node");
            }
            snapshot.addPod(p, node);
        }
        return pods.size() / ((System.nanoTime() - start) / 1e9);
    }

    private static ObjectNode parse(byte[] json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
