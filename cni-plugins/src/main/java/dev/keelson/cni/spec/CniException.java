package dev.keelson.cni.spec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A CNI error: the spec's numeric code, a message naming the problem and optional details. A
 * plugin prints it as the spec's error JSON on stdout and exits 1 (SPEC.md "Error").
 *
 * <p>Codes 1–99 are reserved by the spec; plugins use 100 and above for their own errors.
 * {@link #INTERNAL} (999) is what libcni's skeleton reports for a plain error of a plugin.
 */
public final class CniException extends RuntimeException {
    /** Incompatible CNI version. */
    public static final int INCOMPATIBLE_VERSION = 1;
    /** Unsupported field in the network configuration. */
    public static final int UNSUPPORTED_FIELD = 2;
    /** Container unknown or does not exist. */
    public static final int UNKNOWN_CONTAINER = 3;
    /** Invalid necessary environment variables (CNI_COMMAND, CNI_CONTAINERID, ...). */
    public static final int INVALID_ENVIRONMENT = 4;
    /** I/O failure, e.g. reading stdin. */
    public static final int IO_FAILURE = 5;
    /** Failed to decode content (bad JSON). */
    public static final int DECODING_FAILURE = 6;
    /** Invalid network config. */
    public static final int INVALID_NETWORK_CONFIG = 7;
    /** The netns given is unusable (libcni's ErrInvalidNetNS). */
    public static final int INVALID_NETNS = 8;
    /** Try again later: a transient condition. */
    public static final int TRY_AGAIN_LATER = 11;
    /** STATUS: the plugin is not available, ADDs will fail. */
    public static final int NOT_AVAILABLE = 50;
    /** STATUS: limited connectivity, ADDs may succeed. */
    public static final int LIMITED_CONNECTIVITY = 51;
    /** First code a plugin may use for its own errors. */
    public static final int FIRST_PLUGIN_CODE = 100;
    /** A plugin error without a more specific code (libcni's ErrInternal). */
    public static final int INTERNAL = 999;

    private final int code;
    private final String msg;
    private final String details;
    private final String cniVersion;

    /** An error with a code and a message. */
    public CniException(int code, String msg) {
        this(code, msg, "", null, null);
    }

    /** An error with a code, a message and details. */
    public CniException(int code, String msg, String details) {
        this(code, msg, details, null, null);
    }

    /** An error with a cause (kept for logs; never printed to the runtime). */
    public CniException(int code, String msg, String details, Throwable cause) {
        this(code, msg, details, null, cause);
    }

    private CniException(int code, String msg, String details, String cniVersion, Throwable cause) {
        super(details == null || details.isEmpty() ? msg : msg + "; " + details, cause);
        if (code < 0) {
            throw new IllegalArgumentException("negative CNI error code " + code);
        }
        this.code = code;
        this.msg = msg == null ? "" : msg;
        this.details = details == null ? "" : details;
        this.cniVersion = cniVersion;
    }

    /** This error labelled with the config's cniVersion (printed as the error's "cniVersion"). */
    public CniException withVersion(String version) {
        CniException e = new CniException(code, msg, details, version, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    public int code() {
        return code;
    }

    public String msg() {
        return msg;
    }

    /** Details, empty when there are none. */
    public String details() {
        return details;
    }

    /** The cniVersion the error is labelled with, or null. */
    public String cniVersion() {
        return cniVersion;
    }

    /**
     * The spec's error object: {@code cniVersion} (when known), {@code code}, {@code msg},
     * {@code details} (when not empty).
     */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (cniVersion != null && !cniVersion.isEmpty()) {
            o.put("cniVersion", cniVersion);
        }
        o.put("code", code);
        o.put("msg", msg);
        if (!details.isEmpty()) {
            o.put("details", details);
        }
        return o;
    }
}
