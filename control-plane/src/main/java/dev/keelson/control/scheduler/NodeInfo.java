package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.model.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node as the scheduler sees it: its labels, taints and allocatable resources (from the Node
 * object) plus the pods placed on it and what they request. Mutated only by the scheduler's cache,
 * under its lock; plugins read it during a cycle.
 */
public final class NodeInfo {
    private final String name;
    private final Map<String, String> labels;
    private final List<Taint> taints;
    private final boolean unschedulable;
    private final Resources allocatable;
    private final Map<String, Long> imageSizes;
    private final Map<String, PodInfo> pods = new HashMap<>();
    private final List<PodInfo> podsWithAffinity = new ArrayList<>();
    private Resources requested = Resources.NONE;
    private Resources nonZeroRequested = Resources.NONE;

    public NodeInfo(String name, Map<String, String> labels, List<Taint> taints, boolean unschedulable,
                    Resources allocatable, Map<String, Long> imageSizes) {
        this.name = name;
        this.labels = labels;
        this.taints = taints;
        this.unschedulable = unschedulable;
        this.allocatable = allocatable;
        this.imageSizes = imageSizes;
    }

    public static NodeInfo of(ObjectNode node) {
        List<Taint> taints = new ArrayList<>();
        node.path("spec").path("taints").forEach(t -> taints.add(Taint.of(t)));
        Map<String, Long> images = new HashMap<>();
        for (JsonNode img : node.path("status").path("images")) {
            long size = img.path("sizeBytes").asLong(0);
            img.path("names").forEach(n -> images.put(n.asText(), size));
        }
        JsonNode alloc = node.path("status").path("allocatable");
        return new NodeInfo(node.path("metadata").path("name").asText(), Json.stringMap(node.path("metadata").path("labels")),
                List.copyOf(taints), node.path("spec").path("unschedulable").asBoolean(false),
                Resources.of(alloc.isMissingNode() ? node.path("status").path("capacity") : alloc), Map.copyOf(images));
    }

    /** The same node with new static data (a Node update) and the pods it already has. */
    public NodeInfo withNode(NodeInfo fresh) {
        NodeInfo n = new NodeInfo(name, fresh.labels, fresh.taints, fresh.unschedulable, fresh.allocatable, fresh.imageSizes);
        pods.values().forEach(n::addPod);
        return n;
    }

    public void addPod(PodInfo pod) {
        if (pods.put(pod.key(), pod) != null) {
            removeTotals(pod);
        }
        requested = requested.plus(pod.requests());
        nonZeroRequested = nonZeroRequested.plus(pod.nonZero());
        if (pod.hasPodAffinity()) {
            podsWithAffinity.add(pod);
        }
    }

    public void removePod(String key) {
        PodInfo old = pods.remove(key);
        if (old != null) {
            removeTotals(old);
        }
    }

    private void removeTotals(PodInfo old) {
        requested = requested.minus(old.requests());
        nonZeroRequested = nonZeroRequested.minus(old.nonZero());
        podsWithAffinity.removeIf(p -> p.key().equals(old.key()));
    }

    public String name() {
        return name;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public List<Taint> taints() {
        return taints;
    }

    public boolean unschedulable() {
        return unschedulable;
    }

    public Resources allocatable() {
        return allocatable;
    }

    public Resources requested() {
        return requested;
    }

    public Resources nonZeroRequested() {
        return nonZeroRequested;
    }

    public Map<String, Long> imageSizes() {
        return imageSizes;
    }

    public java.util.Collection<PodInfo> pods() {
        return pods.values();
    }

    public int podCount() {
        return pods.size();
    }

    public List<PodInfo> podsWithAffinity() {
        return podsWithAffinity;
    }
}
