package dev.keelson.bench.api;

import java.util.function.Consumer;

/**
 * What {@code bench api} times, for the API server and for its peer (etcd's raw key-value API) alike:
 * creates, gets and lists in a "space" (a namespace, or a key prefix) and a watch on one space.
 */
interface Contender {
    /** The name in the report. */
    String name();

    /** Makes {@code space} usable (the API server needs the namespace object); untimed. */
    void prepare(String space);

    /** Creates object {@code name} in {@code space} (a pod, or a key with a pod's JSON). */
    void create(String space, String name);

    /** Reads object {@code name} back; fails if it is missing. */
    void get(String space, String name);

    /** Lists the whole space; the result is only for {@link #items}. */
    Object list(String space);

    /** How many objects {@code listed} (from {@link #list}) holds; untimed. */
    int items(Object listed);

    /** Opens a watch on {@code space}, returning once it is open; {@code arrived} gets each created object's name. */
    AutoCloseable watch(String space, Consumer<String> arrived) throws Exception;
}
