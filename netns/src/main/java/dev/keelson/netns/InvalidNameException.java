package dev.keelson.netns;

/** A namespace name that cannot be a file name under the pin directory. */
public final class InvalidNameException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String name;

    InvalidNameException(String name, String why) {
        super("invalid network namespace name \"" + name + "\": " + why);
        this.name = name;
    }

    /** The rejected name. */
    public String name() {
        return name;
    }

    /**
     * Checks {@code name} with iproute2's rules: non-empty, not "." or "..", no '/', shorter than
     * NAME_MAX (255) bytes. Returns it unchanged.
     */
    static String check(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidNameException(name == null ? "" : name, "it is empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidNameException(name, "\".\" and \"..\" are not allowed");
        }
        if (name.indexOf('/') >= 0) {
            throw new InvalidNameException(name, "it must not contain '/'");
        }
        if (name.indexOf('\0') >= 0) {
            throw new InvalidNameException(name, "it must not contain a NUL byte");
        }
        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes >= 255) {
            throw new InvalidNameException(name.substring(0, 16) + "…", "it is " + bytes + " bytes long; the limit is 254");
        }
        return name;
    }
}
