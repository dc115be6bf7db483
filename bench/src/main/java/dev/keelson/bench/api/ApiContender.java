package dev.keelson.bench.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The API server as a {@link Contender}: pods in namespaces, over HTTPS and HTTP/2. */
final class ApiContender implements Contender {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final RestClient client;

    ApiContender(String name, RestClient client) {
        this.name = name;
        this.client = client;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void prepare(String space) {
        client.create("/api/v1/namespaces", PodManifests.namespace(space));
    }

    @Override
    public void create(String space, String pod) {
        client.create(pods(space), PodManifests.pod(space, pod));
    }

    @Override
    public void get(String space, String pod) {
        client.get(pods(space) + "/" + pod);
    }

    @Override
    public Object list(String space) {
        return client.get(pods(space));
    }

    @Override
    public int items(Object listed) {
        try {
            return JSON.readTree((byte[]) listed).path("items").size();
        } catch (IOException e) {
            throw new UncheckedIOException("bench api: the list is not JSON", e);
        }
    }

    @Override
    public AutoCloseable watch(String space, Consumer<String> arrived) throws Exception {
        CompletableFuture<Void> open = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().name("bench-api-watch").start(() -> {
            try {
                client.watch(pods(space) + "?watch=true&timeoutSeconds=3600", () -> open.complete(null), line -> {
                    if (line.startsWith("{\"type\":\"ADDED\"")) {
                        arrived.accept(RestClient.objectName(line));
                    }
                });
            } catch (IOException | RuntimeException e) {
                open.completeExceptionally(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        open.get(30, TimeUnit.SECONDS);
        return t::interrupt;
    }

    private static String pods(String space) {
        return "/api/v1/namespaces/" + space + "/pods";
    }
}
