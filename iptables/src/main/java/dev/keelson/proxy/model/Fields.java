package dev.keelson.proxy.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.netns.addr.InetAddresses;
import dev.keelson.netns.addr.IpPrefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Typed, validating reads of one manifest's fields; every error names the object and the field path. */
final class Fields {
    private final String object;

    Fields(String object) {
        this.object = object;
    }

    ModelException error(String field, String problem) {
        return new ModelException(object, field, problem);
    }

    String text(JsonNode n, String field, String dflt) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return dflt;
        }
        if (!n.isValueNode()) {
            throw error(field, "expected a string");
        }
        return n.asText();
    }

    String required(JsonNode n, String field) {
        String s = text(n, field, null);
        if (s == null || s.isEmpty()) {
            throw error(field, "required value");
        }
        return s;
    }

    int port(JsonNode n, String field, boolean zeroAllowed) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            if (zeroAllowed) {
                return 0;
            }
            throw error(field, "required value");
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw error(field, "\"" + n.asText() + "\" is not a valid port");
        }
        int p = n.intValue();
        if ((p == 0 && zeroAllowed) || (p >= 1 && p <= 65535)) {
            return p;
        }
        throw error(field, p + " is not a valid port");
    }

    Protocol protocol(JsonNode n, String field) {
        String s = text(n, field, "TCP");
        try {
            return Protocol.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw error(field, "\"" + s + "\" is not a supported protocol (TCP, UDP, SCTP)");
        }
    }

    <E extends Enum<E>> E choice(JsonNode n, String field, Class<E> type, E dflt) {
        String s = text(n, field, null);
        if (s == null || s.isEmpty()) {
            return dflt;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(s)) {
                return e;
            }
        }
        throw error(field, "unsupported value \"" + s + "\"");
    }

    InetAddress ip(JsonNode n, String field) {
        String s = required(n, field);
        try {
            return InetAddresses.parse(s);
        } catch (IllegalArgumentException e) {
            throw error(field, "\"" + s + "\" is not a valid IP address");
        }
    }

    IpPrefix cidr(JsonNode n, String field) {
        String s = required(n, field);
        try {
            if (s.indexOf('/') < 0) {
                throw new IllegalArgumentException("no prefix length");
            }
            IpPrefix p = IpPrefix.parse(s);
            return p.network();
        } catch (IllegalArgumentException e) {
            throw error(field, "\"" + s + "\" is not a valid CIDR");
        }
    }

    List<InetAddress> ips(JsonNode n, String field) {
        List<InetAddress> out = new ArrayList<>();
        for (JsonNode e : array(n, field)) {
            InetAddress a = ip(e, field + "[" + out.size() + "]");
            if (out.contains(a)) {
                throw error(field + "[" + out.size() + "]", "duplicate value \"" + e.asText() + "\"");
            }
            out.add(a);
        }
        return out;
    }

    List<JsonNode> array(JsonNode n, String field) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw error(field, "expected a list");
        }
        List<JsonNode> out = new ArrayList<>();
        n.forEach(out::add);
        return out;
    }
}
