package dev.keelson.cni.spec;

/**
 * An interface in a result. {@code mtu}, {@code socketPath} and {@code pciID} exist from spec
 * 1.1.0 and are dropped when a result is printed for an older version. Null means absent.
 */
public record Interface(String name, String mac, Integer mtu, String sandbox, String socketPath, String pciID) {
    public Interface {
        if (name == null) {
            throw new IllegalArgumentException("interface without a name");
        }
    }

    /** An interface with a MAC, in {@code sandbox} (null on the host). */
    public static Interface of(String name, String mac, String sandbox) {
        return new Interface(name, mac, null, sandbox, null, null);
    }
}
