package dev.keelson.proxy.model;

/**
 * A manifest that is not a valid Service or EndpointSlice. The message names the object and the
 * field, as the API server does: {@code Service default/web: spec.ports[1].port: 70000 is not a valid port}.
 */
public final class ModelException extends IllegalArgumentException {
    private final String object;
    private final String field;

    public ModelException(String object, String field, String problem) {
        super(object + ": " + field + ": " + problem);
        this.object = object;
        this.field = field;
    }

    /** The object, e.g. {@code Service default/web}. */
    public String object() {
        return object;
    }

    /** The field path, e.g. {@code spec.ports[1].port}. */
    public String field() {
        return field;
    }
}
