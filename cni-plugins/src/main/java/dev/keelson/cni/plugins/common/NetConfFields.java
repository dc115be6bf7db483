package dev.keelson.cni.plugins.common;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.cni.spec.CniException;
import dev.keelson.cni.spec.NetworkConfig;
import java.util.Locale;

/**
 * Typed reads of a plugin's own config fields with Go's zero values for absent ones, and Go's
 * {@code json: cannot unmarshal} wording for a wrong type — which the reference plugins pass on
 * verbatim, so ours say the same.
 */
public final class NetConfFields {
    private NetConfFields() {
    }

    /** A boolean field; false when absent or null. */
    public static boolean bool(NetworkConfig c, String key) {
        JsonNode v = c.field(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw typeError(key, "bool", v);
        }
        return v.booleanValue();
    }

    /** An int field; 0 when absent or null. */
    public static int integer(NetworkConfig c, String key) {
        JsonNode v = c.field(key);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw typeError(key, "int", v);
        }
        return v.intValue();
    }

    /** A string field; "" when absent or null. */
    public static String string(NetworkConfig c, String key) {
        JsonNode v = c.field(key);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw typeError(key, "string", v);
        }
        return v.textValue();
    }

    /** Go's json "cannot unmarshal X into Go struct field NetConf.key of type T". */
    public static CniException typeError(String key, String goType, JsonNode v) {
        return typeError("NetConf", key, goType, v);
    }

    /**
     * The same for a nested field: Go names the innermost struct type and the whole JSON path,
     * e.g. {@code BridgeArgs.args.cni.mac}, or {@code .runtimeConfig.mac} for an anonymous struct.
     */
    public static CniException typeError(String goStruct, String path, String goType, JsonNode v) {
        String got = switch (v.getNodeType()) {
            case STRING -> "string";
            case BOOLEAN -> "bool";
            // Go quotes the literal only when a number does not fit an integer type (1.5 into int).
            case NUMBER -> goType.equals("int") ? "number " + v.toString() : "number";
            case ARRAY -> "array";
            case OBJECT -> "object";
            default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
        };
        return new CniException(CniException.INTERNAL, "failed to load netconf: json: cannot unmarshal " + got
                + " into Go struct field " + goStruct + "." + path + " of type " + goType);
    }
}
