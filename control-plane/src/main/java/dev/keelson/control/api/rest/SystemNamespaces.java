package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.registry.ResourceRegistry;
import dev.keelson.control.api.registry.ResourceType;
import java.util.List;

/**
 * The namespaces every Kubernetes cluster has from its first moment. kube-apiserver's system
 * namespaces controller creates them at start-up; without {@code default}, {@code kubectl create}
 * of a namespaced object with no {@code -n} fails with "namespaces \"default\" not found", and the
 * controller manager's lease in {@code kube-system} could never be taken.
 */
public final class SystemNamespaces {
    /** Created at start when missing, in this order. */
    public static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");
    private static final String MANAGER = "kube-apiserver";

    private SystemNamespaces() {}

    /** Creates each of {@link #NAMES} that the store does not hold yet (one that exists is left as it is). */
    public static void ensure(ResourceRegistry registry, ObjectWriter writer) {
        ResourceType namespaces = registry.find("", "v1", "namespaces")
                .orElseThrow(() -> new IllegalStateException("the registry serves no namespaces"));
        CreateHandler creator = new CreateHandler(writer, new NamespaceGuard(writer.storage(), registry));
        for (String name : NAMES) {
            if (writer.storage().get(namespaces, null, name).isPresent()) {
                continue;
            }
            ObjectNode ns = JsonNodeFactory.instance.objectNode();
            ns.put("apiVersion", "v1").put("kind", "Namespace").putObject("metadata").put("name", name);
            try {
                creator.create(namespaces, null, ns, new WriteOptions(false, MANAGER, false, false, false));
            } catch (ApiException e) {
                if (!e.reason().equals("AlreadyExists")) {  // another server on the same store won the race
                    throw e;
                }
            }
        }
    }
}
