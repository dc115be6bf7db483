package dev.keelson.cni.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The per-attachment arguments of one invocation (libcni's {@code RuntimeConf}): which container,
 * its network namespace path, the interface name, {@code CNI_ARGS} pairs in order, and the
 * runtime's capability arguments (filtered per plugin into {@code runtimeConfig}).
 *
 * @param args {@code CNI_ARGS} as ordered key/value pairs (duplicates allowed, as in libcni)
 * @param capabilityArgs e.g. {@code portMappings}, {@code ips}; empty when none
 */
public record RuntimeConf(String containerId, String netns, String ifName, List<Arg> args,
                          Map<String, JsonNode> capabilityArgs) {

    /** One {@code CNI_ARGS} pair. */
    public record Arg(String key, String value) {
    }

    public RuntimeConf {
        containerId = containerId == null ? "" : containerId;
        netns = netns == null ? "" : netns;
        ifName = ifName == null ? "" : ifName;
        args = args == null ? List.of() : List.copyOf(args);
        capabilityArgs = capabilityArgs == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(capabilityArgs));
    }

    /** An attachment without {@code CNI_ARGS} or capability arguments. */
    public static RuntimeConf of(String containerId, String netns, String ifName) {
        return new RuntimeConf(containerId, netns, ifName, List.of(), Map.of());
    }

    /** {@code CNI_ARGS} as the plugin sees it: {@code K=V} joined by {@code ;}. */
    public String cniArgs() {
        return args.stream().map(a -> a.key() + "=" + a.value()).collect(Collectors.joining(";"));
    }
}
