package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.schema.ApiResources.Resource;
import dev.keelson.control.schema.TypeDef.Gvk;
import java.util.List;
import java.util.Set;

/**
 * The {@code paths} section of the OpenAPI documents. kubectl reads two things from it: the
 * {@code x-kubernetes-group-version-kind} of an operation on a resource path (how {@code kubectl
 * explain} maps a resource to its kind) and whether a kind's PATCH operation declares the
 * {@code fieldValidation} / {@code dryRun} query parameters (how {@code kubectl apply/create/edit}
 * decide between server-side field validation and client-side schema validation).
 */
final class OpenApiPaths {
    static final String STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
    static final String PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
    static final String DELETE_OPTIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
    private static final List<String> PATCH_TYPES = List.of("application/apply-patch+yaml",
            "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json");

    private final Catalog catalog;
    private final OpenApiSchemas schemas;
    private final boolean v3;

    OpenApiPaths(Catalog catalog, OpenApiSchemas schemas, boolean v3) {
        this.catalog = catalog;
        this.schemas = schemas;
        this.v3 = v3;
    }

    /** Adds the path items of the resources to {@code paths}, and their kinds' types to {@code types}. */
    void add(ObjectNode paths, List<Resource> resources, Set<String> types) {
        for (Resource r : resources) {
            String kindType = catalog.kind(r.gvk().apiVersion(), r.gvk().kind()).name();
            types.add(kindType);
            boolean main = r.subresource().isEmpty();
            if (main && (r.verbs().contains("list") || r.verbs().contains("create"))) {
                ObjectNode item = pathItem(paths, r.collectionPath(), r.namespaced(), false);
                if (r.verbs().contains("list")) {
                    String list = listType(r.gvk());
                    if (list != null) {
                        types.add(list);
                    }
                    item.set("get", operation(r, "list", list == null ? kindType : list, false));
                }
                if (r.verbs().contains("create")) {
                    item.set("post", operation(r, "post", kindType, true));
                }
                if (r.verbs().contains("deletecollection")) {
                    item.set("delete", operation(r, "deletecollection", STATUS, false));
                }
            }
            if (main && r.verbs().equals(List.of("create"))) {
                continue;
            }
            ObjectNode item = pathItem(paths, r.itemPath(), r.namespaced(), true);
            if (!main && r.verbs().equals(List.of("create"))) {
                item.set("post", operation(r, "post", kindType, true));
                continue;
            }
            if (r.verbs().contains("get")) {
                item.set("get", operation(r, "get", kindType, false));
            }
            if (r.verbs().contains("update")) {
                item.set("put", operation(r, "put", kindType, true));
            }
            if (r.verbs().contains("patch")) {
                item.set("patch", operation(r, "patch", kindType, true));
            }
            if (r.verbs().contains("delete")) {
                item.set("delete", operation(r, "delete", STATUS, false));
            }
        }
        types.add(STATUS);
        types.add(PATCH);
        types.add(DELETE_OPTIONS);
    }

    private String listType(Gvk gvk) {
        TypeDef list = catalog.kind(gvk.apiVersion(), gvk.kind() + "List");
        return list == null ? null : list.name();
    }

    private ObjectNode pathItem(ObjectNode paths, String path, boolean namespaced, boolean named) {
        ObjectNode item = paths.putObject(path);
        ArrayNode params = item.putArray("parameters");
        if (named) {
            params.add(parameter("name", "path", "string"));
        }
        if (namespaced) {
            params.add(parameter("namespace", "path", "string"));
        }
        params.add(parameter("pretty", "query", "string"));
        return item;
    }

    private ObjectNode operation(Resource r, String action, String responseType, boolean body) {
        ObjectNode op = OpenApiSchemas.JSON.objectNode();
        op.put("operationId", operationId(r, action));
        ArrayNode params = op.putArray("parameters");
        boolean writes = body;
        if (writes) {
            params.add(parameter("dryRun", "query", "string"));
            params.add(parameter("fieldManager", "query", "string"));
            params.add(parameter("fieldValidation", "query", "string"));
        }
        if (action.equals("patch")) {
            params.add(parameter("force", "query", "boolean"));
        }
        if (action.equals("list")) {
            for (String p : List.of("labelSelector", "fieldSelector", "resourceVersion", "continue")) {
                params.add(parameter(p, "query", "string"));
            }
            params.add(parameter("limit", "query", "integer"));
            params.add(parameter("watch", "query", "boolean"));
        }
        String bodyType = action.equals("patch") ? PATCH : catalog.kind(r.gvk().apiVersion(), r.gvk().kind()).name();
        if (body) {
            body(op, params, action, bodyType);
        }
        ObjectNode ok = op.putObject("responses").putObject("200");
        ok.put("description", "OK");
        if (v3) {
            ok.putObject("content").putObject("application/json").putObject("schema").put("$ref", schemas.ref(responseType));
        } else {
            ok.putObject("schema").put("$ref", schemas.ref(responseType));
        }
        op.put("x-kubernetes-action", action);
        op.set("x-kubernetes-group-version-kind", OpenApiSchemas.gvk(r.gvk()));
        return op;
    }

    private void body(ObjectNode op, ArrayNode params, String action, String bodyType) {
        if (v3) {
            ObjectNode rb = op.putObject("requestBody");
            ObjectNode content = rb.putObject("content");
            for (String type : action.equals("patch") ? PATCH_TYPES : List.of("*/*")) {
                content.putObject(type).putObject("schema").put("$ref", schemas.ref(bodyType));
            }
            rb.put("required", true);
        } else {
            ObjectNode p = params.addObject();
            p.put("name", "body");
            p.put("in", "body");
            p.put("required", true);
            p.putObject("schema").put("$ref", schemas.ref(bodyType));
            if (action.equals("patch")) {
                ArrayNode consumes = op.putArray("consumes");
                PATCH_TYPES.forEach(consumes::add);
            }
        }
    }

    private ObjectNode parameter(String name, String in, String type) {
        ObjectNode p = OpenApiSchemas.JSON.objectNode();
        p.put("name", name);
        p.put("in", in);
        if (in.equals("path")) {
            p.put("required", true);
        }
        ObjectNode typed = p;
        if (v3) {
            typed = p.putObject("schema");
        }
        typed.put("type", type);
        typed.put("uniqueItems", true);
        return p;
    }

    private static String operationId(Resource r, String action) {
        StringBuilder b = new StringBuilder(switch (action) {
            case "post" -> "create";
            case "put" -> "replace";
            case "get" -> "read";
            default -> action;
        });
        String group = r.groupVersion().group();
        b.append(group.isEmpty() ? "Core" : capitalize(group.split("\\.")[0]));
        b.append(capitalize(r.groupVersion().version()));
        if (r.namespaced()) {
            b.append("Namespaced");
        }
        b.append(r.subresource().isEmpty() ? r.gvk().kind() : capitalize(singular(r.plural())) + capitalize(r.subresource()));
        return b.toString();
    }

    private static String singular(String plural) {
        return plural.endsWith("sses") || plural.endsWith("ies") ? plural : plural.substring(0, plural.length() - 1);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
