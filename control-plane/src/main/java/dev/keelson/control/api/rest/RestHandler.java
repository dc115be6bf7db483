package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.http.Responder;
import dev.keelson.control.api.registry.ResourceRegistry;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.storage.ResourceStorage;
import dev.keelson.control.api.storage.Stored;
import dev.keelson.control.api.watch.WatchHandler;
import java.io.IOException;

/**
 * Routes a resource URL to its verb: get, list, watch, create, update, patch, delete,
 * deletecollection, and the subresources.
 */
public final class RestHandler {
    private final ResourceRegistry registry;
    private final ResourceStorage storage;
    private final Replies replies;
    private final Lister lister;
    private final CreateHandler creator;
    private final UpdateHandler updater;
    private final DeleteHandler deleter;
    private final PatchHandler patcher;
    private final WatchHandler watcher;
    private final Subresources subresources;

    public RestHandler(ResourceRegistry registry, ObjectWriter writer, Replies replies, WatchHandler watcher,
                       Subresources.LogProxy logs, Subresources.ExecProxy exec) {
        this.registry = registry;
        this.storage = writer.storage();
        this.replies = replies;
        this.lister = new Lister(storage);
        this.creator = new CreateHandler(writer, new NamespaceGuard(storage, registry));
        this.updater = new UpdateHandler(writer);
        this.deleter = new DeleteHandler(writer);
        this.patcher = new PatchHandler(writer, creator);
        this.watcher = watcher;
        this.subresources = new Subresources(registry, writer, updater, deleter, patcher, replies, logs, exec);
    }

    public void serve(ApiRequest request, Responder out, ResourcePath path) throws IOException {
        ResourceType type = registry.find(path.group(), path.version(), path.resource())
                .orElseThrow(ApiException::notFoundPath);
        if (path.namespace() != null && !type.namespaced()) {
            throw ApiException.notFoundPath();
        }
        String ns = type.namespaced() ? path.namespace() : null;
        if (path.subresource() != null) {
            if (type.subresource(path.subresource()).isEmpty()) {
                throw ApiException.notFoundPath();
            }
            subresources.serve(request, out, type, ns, path.name(), path.subresource());
            return;
        }
        String name = path.name();
        boolean watch = path.legacyWatch() || request.flag("watch");
        switch (request.method()) {
            case "GET" -> {
                if (watch) {
                    ListOptions o = ListOptions.of(request, type);
                    if (name != null) {
                        o = named(o, name, request, type);
                    }
                    watcher.watch(request, out, type, ns, o);
                } else if (name != null) {
                    Stored s = storage.get(type, ns, name).orElseThrow(() -> ApiException.notFound(type, name));
                    replies.object(request, out, type, 200, s.object());
                } else {
                    ListOptions o = ListOptions.of(request, type);
                    replies.list(request, out, type, Representation.of(request) == Representation.JSON
                            ? lister.listJson(type, ns, o) : lister.list(type, ns, o));
                }
            }
            case "POST" -> {
                if (name != null) {
                    throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
                }
                ObjectNode body = Bodies.object(request);
                Bodies.expectKind(body, type);
                replies.object(request, out, type, 201, creator.create(type, ns, body, WriteOptions.of(request)));
            }
            case "PUT" -> {
                requireName(name);
                ObjectNode body = Bodies.object(request);
                Bodies.expectKind(body, type);
                replies.object(request, out, type, 200,
                        updater.update(type, ns, name, null, body, WriteOptions.of(request)));
            }
            case "PATCH" -> {
                requireName(name);
                PatchHandler.Result r = patcher.patch(type, ns, name, null, request, WriteOptions.of(request));
                replies.object(request, out, type, r.created() ? 201 : 200, r.object());
            }
            case "DELETE" -> {
                WriteOptions w = WriteOptions.of(request);
                DeleteOptions d = DeleteOptions.of(request);
                if (name == null) {
                    deleteCollection(request, out, type, ns, d, w);
                    return;
                }
                DeleteHandler.Result r = deleter.delete(type, ns, name, d, w);
                if (r.gone() && !KindRules.isCore(type, "pods")) {
                    Replies.json(out, 200, DeleteHandler.success(type, r.object()));
                } else {
                    replies.object(request, out, type, 200, r.object());
                }
            }
            default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private void deleteCollection(ApiRequest request, Responder out, ResourceType type, String ns, DeleteOptions d,
                                  WriteOptions w) throws IOException {
        Lister.Page page = lister.list(type, ns, ListOptions.of(request, type));
        ObjectNode list = Json.object().put("kind", type.kind() + "List").put("apiVersion", type.apiVersion());
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        for (ObjectNode o : page.items()) {
            try {
                items.add(deleter.delete(type, Meta.namespace(o), Meta.name(o), d, w).object());
            } catch (ApiException e) {
                if (!e.reason().equals("NotFound")) {
                    throw e;
                }
            }
        }
        Replies.json(out, 200, list);
    }

    /** A watch on one object: {@code /watch/.../name} is a watch with a metadata.name field selector. */
    private static ListOptions named(ListOptions o, String name, ApiRequest request, ResourceType type) {
        String fs = request.param("fieldSelector");
        String merged = "metadata.name=" + name + (fs == null || fs.isEmpty() ? "" : "," + fs);
        return new ListOptions(o.labels(), FieldSelector.parse(merged, type), o.limit(), o.continueToken(),
                o.resourceVersion(), o.resourceVersionMatch());
    }

    private static void requireName(String name) {
        if (name == null) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }
}
