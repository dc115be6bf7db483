package dev.keelson.cni.daemon;

import dev.keelson.cni.skel.Skeleton;
import dev.keelson.netns.NetNamespace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -XX:AOTCacheOutput=FILE ... dev.keelson.cni.daemon.AotTraining}: the training run
 * behind the fallback's AOT cache ({@link AotCache}). It does what a fallback JVM does in real
 * life, so the cache holds the classes, linkage and profiles of those paths (JEP 483, 514, 515):
 * VERSION of every plugin; loopback ADD, CHECK and DEL; bridge with host-local ADD, CHECK and DEL;
 * and the common config errors.
 *
 * <p>All of it happens in two throwaway namespaces made here (a "host" one where the bridge goes
 * and a pod one), pinned as {@code /run/netns/keelson-aot-PID-*} and deleted at the end, and a
 * temporary host-local data dir: the caller's own network namespace is never changed.
 */
public final class AotTraining {
    /** Rounds of the whole workload; a few, so the profiles see more than one call. */
    private static final int ROUNDS = 3;

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        long pid = ProcessHandle.current().pid();
        Path data = Files.createTempDirectory("keelson-aot-ipam-");
        NetNamespace host = NetNamespace.create("keelson-aot-" + pid + "-host");
        NetNamespace pod = null;
        try {
            pod = NetNamespace.create("keelson-aot-" + pid + "-pod");
            for (int round = 0; round < ROUNDS; round++) {
                train(host, pod, data, round);
            }
        } finally {
            if (pod != null) {
                pod.delete();
                pod.close();
            }
            host.delete();
            host.close();
            dev.keelson.linux.FileTrees.delete(data);
        }
    }

    private static void train(NetNamespace host, NetNamespace pod, Path data, int round) {
        for (String name : Plugins.NAMES) {
            expect(0, run(host, name, Map.of("CNI_COMMAND", "VERSION"), ""));
        }
        String lo = "{\"cniVersion\":\"1.0.0\",\"name\":\"aot-lo\",\"type\":\"loopback\"}";
        String bridge = "{\"cniVersion\":\"1.0.0\",\"name\":\"aot-net\",\"type\":\"bridge\",\"bridge\":\"aot0\","
                + "\"isGateway\":true,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + data + "\","
                + "\"ranges\":[[{\"subnet\":\"10.250.0.0/24\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}";
        String id = "aot" + round;
        for (String verb : List.of("ADD", "CHECK", "DEL")) {
            expect(0, run(host, "loopback", env(verb, id, pod), lo));
        }
        String added = run(host, "bridge", env("ADD", id, pod), bridge);
        expect(0, added);
        String checkConf = bridge.substring(0, bridge.length() - 1) + ",\"prevResult\":" + added.substring(2) + "}";
        expect(0, run(host, "bridge", env("CHECK", id, pod), checkConf));
        expect(0, run(host, "bridge", env("DEL", id, pod), bridge));
        // The errors a runtime meets most: bad JSON, a missing name, an unknown version, missing env.
        expect(1, run(host, "bridge", env("ADD", id, pod), "{\"cniVersion\":"));
        expect(1, run(host, "bridge", env("ADD", id, pod), "{\"cniVersion\":\"1.0.0\",\"type\":\"bridge\"}"));
        expect(1, run(host, "loopback", env("ADD", id, pod), "{\"cniVersion\":\"9.9.9\",\"name\":\"n\"}"));
        expect(1, run(host, "loopback", Map.of("CNI_COMMAND", "ADD"), lo));
    }

    private static Map<String, String> env(String verb, String id, NetNamespace pod) {
        Map<String, String> m = new HashMap<>();
        m.put("CNI_COMMAND", verb);
        m.put("CNI_CONTAINERID", id);
        m.put("CNI_NETNS", pod.path().toString());
        m.put("CNI_IFNAME", "eth0");
        m.put("CNI_PATH", "/opt/cni/bin");
        return m;
    }

    /** Exit code, a space, then stdout: enough to check and to chain a result. */
    private static String run(NetNamespace host, String plugin, Map<String, String> env, String stdin) {
        Skeleton skeleton = Plugins.find(plugin).orElseThrow().skeleton();
        return host.run(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = skeleton.run(env, stdin.getBytes(StandardCharsets.UTF_8), out, new ByteArrayOutputStream());
            return code + " " + out.toString(StandardCharsets.UTF_8);
        });
    }

    private static void expect(int code, String outcome) {
        if (!outcome.startsWith(code + " ")) {
            throw new IllegalStateException("AOT training: expected exit " + code + ", got: " + outcome);
        }
    }

}
