package dev.keelson.node.volume;

/**
 * One file of a configMap, secret, downwardAPI or projected volume: its bytes and its permission
 * bits (e.g. {@code 0644}).
 */
public record FileProjection(byte[] data, int mode) {
    public FileProjection {
        data = data.clone();
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("file mode " + Integer.toOctalString(mode) + " is not between 0 and 0777");
        }
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    boolean sameAs(FileProjection o) {
        return mode == o.mode && java.util.Arrays.equals(data, o.data);
    }
}
