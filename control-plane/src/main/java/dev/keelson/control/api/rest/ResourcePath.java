package dev.keelson.control.api.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A parsed resource URL:
 *
 * <pre>
 *   /api/v1[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
 *   /apis/{group}/{version}[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
 * </pre>
 *
 * {@code /api/v1/namespaces/{name}} itself is the namespace object, and
 * {@code /api/v1/namespaces/{name}/status|finalize} its subresources.
 *
 * @param namespace null when the URL names none
 * @param name null for collection URLs
 * @param subresource null for the main resource
 * @param legacyWatch whether the URL had the {@code /watch/} segment
 */
public record ResourcePath(String group, String version, String namespace, String resource, String name,
                           String subresource, boolean legacyWatch) {

    /** Parses a resource URL; empty for discovery paths and anything else. */
    public static Optional<ResourcePath> parse(String path) {
        List<String> s = segments(path);
        String group;
        String version;
        int i;
        if (s.size() >= 3 && s.get(0).equals("api")) {
            group = "";
            version = s.get(1);
            i = 2;
        } else if (s.size() >= 4 && s.get(0).equals("apis")) {
            group = s.get(1);
            version = s.get(2);
            i = 3;
        } else {
            return Optional.empty();
        }
        List<String> rest = s.subList(i, s.size());
        boolean watch = false;
        if (!rest.isEmpty() && rest.getFirst().equals("watch")) {
            watch = true;
            rest = rest.subList(1, rest.size());
        }
        String namespace = null;
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")
                && !(rest.size() == 3 && (rest.get(2).equals("status") || rest.get(2).equals("finalize")))) {
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        if (rest.isEmpty() || rest.size() > 3) {
            return Optional.empty();
        }
        String name = rest.size() > 1 ? rest.get(1) : null;
        String sub = rest.size() > 2 ? rest.get(2) : null;
        return Optional.of(new ResourcePath(group, version, namespace, rest.get(0), name, sub, watch));
    }

    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }
}
