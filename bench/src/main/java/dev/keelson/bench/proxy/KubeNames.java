package dev.keelson.bench.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Chain-name hashes in the shape kube-proxy uses (a fixed-length digest prefix of the port name). */
final class KubeNames {
    private KubeNames() {
    }

    /** The first {@code len} upper-case hex digits of sha256({@code text}). */
    static String hash(String text, int len) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(d).substring(0, len);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** "ns/name:http" as kube-proxy writes a service port in comments. */
    static String portName(Workload.Svc s) {
        return Workload.NAMESPACE + "/" + s.name() + ":http";
    }
}
