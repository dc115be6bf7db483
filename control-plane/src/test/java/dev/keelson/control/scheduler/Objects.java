package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Pods and nodes for scheduler tests, written as JSON with single quotes. */
final class Objects {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Objects() {}

    static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }

    /** A node with 4 CPUs, 8Gi, 110 pods and extra JSON merged into metadata/spec via {@code extra}. */
    static NodeInfo node(String name, String labels, String spec) {
        return NodeInfo.of(json("{'metadata':{'name':'" + name + "','labels':{" + labels + "}},'spec':{" + spec + "},"
                + "'status':{'allocatable':{'cpu':'4','memory':'8Gi','pods':'110'}}}"));
    }

    static NodeInfo node(String name) {
        return node(name, "'kubernetes.io/hostname':'" + name + "'", "");
    }

    /** A pod with one container requesting {@code cpu}/{@code mem} and extra spec JSON. */
    static PodInfo pod(String name, String labels, String cpu, String mem, String spec) {
        return PodInfo.of(json("{'metadata':{'name':'" + name + "','namespace':'default','labels':{" + labels + "}},"
                + "'spec':{" + spec + (spec.isEmpty() ? "" : ",") + "'containers':[{'name':'c','image':'busybox',"
                + "'resources':{'requests':{'cpu':'" + cpu + "','memory':'" + mem + "'}}}]}}"));
    }

    static PodInfo pod(String name, String spec) {
        return pod(name, "", "100m", "100Mi", spec);
    }
}
