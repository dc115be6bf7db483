package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.client.Informer;
import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Resource;
import dev.keelson.control.model.Cidr;
import java.util.HashMap;
import java.util.Map;

/**
 * Gives every Node a pod network (kube-controller-manager's node IPAM, "RangeAllocator"): the
 * cluster CIDR is cut into subnets of {@code nodeMaskBits} (a /24 of 10.244.0.0/16 by default),
 * and a Node without {@code spec.podCIDR} gets the next free one in {@code spec.podCIDR} and
 * {@code spec.podCIDRs}. A deleted Node's subnet is free again. The allocation table lives only
 * in memory: at start it is rebuilt from the Nodes' own {@code podCIDR}s (the Nodes are the
 * record), before any Node is given a new one.
 */
public final class NodeIpamController implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeIpamController.class.getName());

    /**
     * @param clusterCidr the pods' address space ({@code --cluster-cidr}); empty turns the controller off
     * @param nodeMaskBits the prefix length of each Node's subnet ({@code --node-cidr-mask-size})
     */
    public record Options(String clusterCidr, int nodeMaskBits) {
        public static final Options DEFAULTS = new Options("10.244.0.0/16", 24);
    }

    private final KubeClient client;
    private final Informer nodes;
    private final Cidr cluster;
    private final int maskBits;
    private final long subnets;
    private final WorkQueue queue = new WorkQueue();
    private final Map<Long, String> owners = new HashMap<>();  // subnet index → node name
    private final Map<String, Long> byNode = new HashMap<>();
    private long cursor;
    private ControllerLoop loop;

    public NodeIpamController(KubeClient client, Informer nodes, Options options) {
        this.client = client;
        this.nodes = nodes;
        this.cluster = Cidr.parse(options.clusterCidr());
        this.maskBits = options.nodeMaskBits();
        if (maskBits < cluster.bits() || maskBits > cluster.network().getAddress().length * 8) {
            throw new IllegalArgumentException("node CIDR mask /" + maskBits + " does not fit cluster CIDR " + cluster);
        }
        int spare = maskBits - cluster.bits();
        this.subnets = spare >= 62 ? Long.MAX_VALUE : 1L << spare;
        nodes.addHandler(Handlers.enqueueSelf(queue));
    }

    /** Rebuilds the table from the (synced) informer, then starts reconciling. */
    public NodeIpamController start(int workers) {
        synchronized (this) {
            for (ObjectNode node : nodes.list()) {
                record(node.path("metadata").path("name").asText(), node.path("spec"));
            }
        }
        loop = new ControllerLoop("node-ipam", queue, this::reconcile).start(workers);
        return this;
    }

    /** The subnet given to {@code node}, if any (for tests and status). */
    public synchronized String subnetOf(String node) {
        Long index = byNode.get(node);
        return index == null ? null : cluster.subnet(maskBits, index).toString();
    }

    void reconcile(String name) {
        ObjectNode node = nodes.get(name);
        if (node == null) {
            release(name);
            return;
        }
        JsonNode spec = node.path("spec");
        if (!spec.path("podCIDR").asText("").isEmpty()) {
            synchronized (this) {
                record(name, spec);
            }
            return;
        }
        long index = take(name);
        String subnet = cluster.subnet(maskBits, index).toString();
        ObjectNode patch = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        patch.putObject("spec").put("podCIDR", subnet).putArray("podCIDRs").add(subnet);
        try {
            client.patch(Resource.NODES, null, name, null, "application/merge-patch+json", patch);
            LOG.log(System.Logger.Level.INFO, "node {0}: podCIDR {1}", name, subnet);
        } catch (RuntimeException e) {
            release(name);
            throw e;
        }
    }

    /** Marks the subnet a Node already has, when it is one of ours. */
    private void record(String name, JsonNode spec) {
        String text = spec.path("podCIDR").asText("");
        if (text.isEmpty()) {
            return;
        }
        Cidr c;
        try {
            c = Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            return;  // not a prefix we could have given
        }
        if (c.bits() != maskBits || !cluster.contains(c.network())) {
            return;  // set by someone else, outside our space: not ours to track
        }
        long index = cluster.offsetOf(c.network()).shiftRight(c.network().getAddress().length * 8 - maskBits)
                .longValueExact();
        String holder = owners.putIfAbsent(index, name);
        if (holder != null && !holder.equals(name)) {
            LOG.log(System.Logger.Level.WARNING, "nodes {0} and {1} both have podCIDR {2}", holder, name, text);
            return;
        }
        byNode.put(name, index);
    }

    private synchronized long take(String name) {
        Long mine = byNode.get(name);
        if (mine != null) {
            return mine;
        }
        for (long i = 0; i < subnets; i++) {
            long index = (cursor + i) % subnets;
            if (!owners.containsKey(index)) {
                owners.put(index, name);
                byNode.put(name, index);
                cursor = (index + 1) % subnets;
                return index;
            }
        }
        throw new IllegalStateException("no free podCIDR left in " + cluster + " for node " + name
                + " (" + subnets + " subnets of /" + maskBits + " all taken)");
    }

    private synchronized void release(String name) {
        Long index = byNode.remove(name);
        if (index != null) {
            owners.remove(index, name);
        }
    }

    /** The number of subnets in use. */
    public synchronized int used() {
        return owners.size();
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
