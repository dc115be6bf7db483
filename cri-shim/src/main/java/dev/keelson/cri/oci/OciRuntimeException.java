package dev.keelson.cri.oci;

/** An OCI runtime command failed: the message names the command, the container and the runtime's own error text. */
public final class OciRuntimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OciRuntimeException(String message) {
        super(message);
    }

    public OciRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
