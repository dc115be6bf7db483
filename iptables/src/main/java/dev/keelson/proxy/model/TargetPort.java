package dev.keelson.proxy.model;

/**
 * {@code spec.ports[].targetPort}: a number, or the name of a container port that is resolved per
 * endpoint through the EndpointSlice's port names.
 *
 * @param number the port number, or 0 when {@link #name} is set
 * @param name   the port name, or null when {@link #number} is set
 */
public record TargetPort(int number, String name) {

    /** A numeric target port. */
    public static TargetPort of(int number) {
        return new TargetPort(number, null);
    }

    /** A named target port. */
    public static TargetPort named(String name) {
        return new TargetPort(0, name);
    }

    public boolean isNamed() {
        return name != null;
    }

    @Override
    public String toString() {
        return isNamed() ? name : Integer.toString(number);
    }
}
