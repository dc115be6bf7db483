package dev.keelson.control.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes (with their pods) a scheduling cycle works on, in a stable order. The scheduler's
 * cache owns it and updates it incrementally; a cycle reads it under the cache's lock.
 */
public final class Snapshot {
    private final List<NodeInfo> nodes = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private int podsWithAffinity;

    public List<NodeInfo> nodes() {
        return nodes;
    }

    public NodeInfo node(String name) {
        Integer i = index.get(name);
        return i == null ? null : nodes.get(i);
    }

    /** Adds a node or replaces its static data, keeping its pods. */
    public NodeInfo putNode(NodeInfo fresh) {
        Integer i = index.get(fresh.name());
        if (i == null) {
            index.put(fresh.name(), nodes.size());
            nodes.add(fresh);
            return fresh;
        }
        NodeInfo merged = nodes.get(i).withNode(fresh);
        nodes.set(i, merged);
        return merged;
    }

    public void removeNode(String name) {
        Integer i = index.remove(name);
        if (i == null) {
            return;
        }
        podsWithAffinity -= nodes.get(i).podsWithAffinity().size();
        NodeInfo last = nodes.remove(nodes.size() - 1);
        if (i < nodes.size()) {
            nodes.set(i, last);
            index.put(last.name(), i);
        }
    }

    /** Places a pod on a node (assumed or bound); false when the node is unknown. */
    public boolean addPod(PodInfo pod, String nodeName) {
        NodeInfo n = node(nodeName);
        if (n == null) {
            return false;
        }
        n.addPod(pod);
        if (pod.hasPodAffinity()) {
            podsWithAffinity++;
        }
        return true;
    }

    public void removePod(PodInfo pod, String nodeName) {
        NodeInfo n = node(nodeName);
        if (n != null && n.pods().stream().anyMatch(p -> p.key().equals(pod.key()))) {
            n.removePod(pod.key());
            if (pod.hasPodAffinity()) {
                podsWithAffinity--;
            }
        }
    }

    /** Whether any placed pod declares inter-pod (anti-)affinity (their terms bind newcomers too). */
    public boolean anyPodWithAffinity() {
        return podsWithAffinity > 0;
    }
}
