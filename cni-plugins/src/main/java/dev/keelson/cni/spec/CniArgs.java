package dev.keelson.cni.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code CNI_ARGS}: {@code K=V} pairs separated by {@code ;}. Like libcni's {@code LoadArgs}, a
 * pair must contain exactly one {@code =}; keys a plugin does not know are an error unless
 * {@code IgnoreUnknown} is true ({@code 1}/{@code true}, case-insensitive). Errors are code 4
 * (CNI_ARGS is an environment variable) with libcni's wording.
 */
public final class CniArgs {
    /** The keys Kubernetes runtimes pass. */
    public static final String K8S_POD_NAME = "K8S_POD_NAME";
    public static final String K8S_POD_NAMESPACE = "K8S_POD_NAMESPACE";
    public static final String K8S_POD_INFRA_CONTAINER_ID = "K8S_POD_INFRA_CONTAINER_ID";
    public static final String K8S_POD_UID = "K8S_POD_UID";
    /** Keys every plugin accepts. */
    public static final Set<String> COMMON = Set.of("IgnoreUnknown", K8S_POD_NAME, K8S_POD_NAMESPACE,
            K8S_POD_INFRA_CONTAINER_ID, K8S_POD_UID);

    private final Map<String, String> pairs;
    private final List<String> order;

    private CniArgs(Map<String, String> pairs, List<String> order) {
        this.pairs = pairs;
        this.order = order;
    }

    /** Parses {@code CNI_ARGS} (null or empty gives no pairs). */
    public static CniArgs parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> raw = new ArrayList<>();
        if (text != null && !text.isEmpty()) {
            for (String pair : text.split(";", -1)) {
                String[] kv = pair.split("=", -1);
                if (kv.length != 2) {
                    throw new CniException(CniException.INVALID_ENVIRONMENT, "ARGS: invalid pair " + GoJson.goQuoted(pair));
                }
                m.put(kv[0], kv[1]);
                raw.add(pair);
            }
        }
        CniArgs args = new CniArgs(Collections.unmodifiableMap(m), List.copyOf(raw));
        args.ignoreUnknown(); // a malformed IgnoreUnknown is an error whatever the plugin knows
        return args;
    }

    /** The pairs in the order given. */
    public Map<String, String> asMap() {
        return pairs;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(pairs.get(key));
    }

    /** {@code IgnoreUnknown}: {@code 1}/{@code true} or {@code 0}/{@code false} (any case). */
    public boolean ignoreUnknown() {
        String v = pairs.get("IgnoreUnknown");
        if (v == null) {
            return false;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw new CniException(CniException.INVALID_ENVIRONMENT,
                    "ARGS: error parsing value of pair " + GoJson.goQuoted("IgnoreUnknown=" + v)
                            + ": boolean unmarshal error: invalid input " + v);
        };
    }

    /**
     * Checks that every key is one of {@link #COMMON} or {@code known}, unless IgnoreUnknown is
     * set: otherwise code 4 {@code ARGS: unknown args ["K=V" ...]}.
     */
    public CniArgs requireKnown(String... known) {
        Set<String> ok = Set.copyOf(Arrays.asList(known));
        List<String> unknown = order.stream().filter(p -> {
            String k = p.substring(0, p.indexOf('='));
            return !COMMON.contains(k) && !ok.contains(k);
        }).toList();
        if (!unknown.isEmpty() && !ignoreUnknown()) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "ARGS: unknown args " + GoJson.goQuotedList(unknown));
        }
        return this;
    }

    /** {@code IP}: requested addresses (comma-separated, as the static and host-local plugins accept). */
    public List<String> ips() {
        String v = pairs.get("IP");
        return v == null || v.isEmpty() ? List.of() : List.of(v.split(","));
    }

    /** {@code MAC}: the requested MAC address. */
    public Optional<String> mac() {
        return get("MAC");
    }

    public Optional<String> k8sPodName() {
        return get(K8S_POD_NAME);
    }

    public Optional<String> k8sPodNamespace() {
        return get(K8S_POD_NAMESPACE);
    }

    public Optional<String> k8sPodInfraContainerId() {
        return get(K8S_POD_INFRA_CONTAINER_ID);
    }

    public Optional<String> k8sPodUid() {
        return get(K8S_POD_UID);
    }

    @Override
    public String toString() {
        return String.join(";", order);
    }
}
