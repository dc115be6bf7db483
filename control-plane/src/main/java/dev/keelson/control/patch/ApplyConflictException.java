package dev.keelson.control.patch;

import java.util.List;

/** Server-side apply found fields owned by other managers (HTTP 409 with one cause per field). */
public final class ApplyConflictException extends PatchException {
    private static final long serialVersionUID = 1L;

    /** @param field a path such as {@code .spec.replicas}; @param manager the manager owning it */
    public record Conflict(String field, String manager) {}

    private final transient List<Conflict> conflicts;

    public ApplyConflictException(List<Conflict> conflicts) {
        super("Apply failed with " + conflicts.size() + " conflict" + (conflicts.size() == 1 ? "" : "s") + ": "
                + String.join("; ", conflicts.stream()
                        .map(c -> "conflict with \"" + c.manager() + "\": " + c.field()).toList()));
        this.conflicts = List.copyOf(conflicts);
    }

    public List<Conflict> conflicts() {
        return conflicts;
    }
}
