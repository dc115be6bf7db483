package dev.keelson.cni.plugins.bridge;

import dev.keelson.cni.skel.Skeleton;
import dev.keelson.netns.NetNamespace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The victim of {@link KillDuringAddGcTest}: a separate JVM that runs bridge ADDs back to back,
 * in-process as the daemon does, from inside the node namespace, so that a {@code kill -9} at
 * any moment lands in the middle of one. Arguments: node netns name, config file, pod name prefix,
 * number of pods. It pre-creates the pod namespaces, prints {@code READY}, then for each pod
 * {@code BEGIN id}, the ADD, and {@code END id} (or {@code FAIL id}), flushing each line.
 */
public final class BridgeAddWorker {
    private BridgeAddWorker() {
    }

    public static void main(String[] args) throws Exception {
        NetNamespace node = NetNamespace.open(args[0]);
        byte[] conf = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[1]));
        String prefix = args[2];
        int n = Integer.parseInt(args[3]);
        List<NetNamespace> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pods.add(NetNamespace.create(prefix + i));
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("READY");
        Skeleton skel = new Skeleton(new BridgePlugin(), BridgePlugin.ABOUT);
        for (int i = 0; i < n; i++) {
            String id = prefix + i;
            Map<String, String> env = new HashMap<>();
            env.put("CNI_COMMAND", "ADD");
            env.put("CNI_CONTAINERID", id);
            env.put("CNI_NETNS", pods.get(i).path().toString());
            env.put("CNI_IFNAME", "eth0");
            env.put("CNI_PATH", "/usr/lib/cni");
            out.println("BEGIN " + id);
            ByteArrayOutputStream result = new ByteArrayOutputStream();
            int rc = node.run(() -> skel.run(env, conf, result, result));
            out.println((rc == 0 ? "END " : "FAIL ") + id + (rc == 0 ? "" : " " + result.toString(StandardCharsets.UTF_8).replace('\n', ' ')));
        }
        out.println("DONE");
    }
}
