package dev.keelson.proxy;

import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import dev.keelson.proxy.compile.NodeConfig;
import dev.keelson.proxy.model.Manifests;
import dev.keelson.proxy.model.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The shared test fixture: services.yaml and the node it is compiled for. */
public final class Fixtures {
    public static final NodeConfig NODE = new NodeConfig("node-a", List.of(InetAddresses.parse("192.168.1.10")),
            List.of(IpPrefix.parse("10.244.0.0/16"), IpPrefix.parse("fd00:244::/48")),
            List.of(IpPrefix.parse("10.96.0.0/16"), IpPrefix.parse("fd00:96::/112")), false);

    private Fixtures() {
    }

    public static String resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/proxy/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /proxy/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Snapshot snapshot() {
        return Manifests.parse(resource("services.yaml"));
    }
}
