package dev.keelson.control.patch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A set of field paths as a trie (structured-merge-diff's fieldpath.Set): each node is one path;
 * it is a <em>member</em> when that path itself belongs to the set, and it has children for
 * longer paths. A node that is neither is dropped. The root stands for the empty path and is never
 * a member. Mutable; callers copy before sharing.
 */
final class FieldSet {
    private boolean member;
    private Map<PathElement, FieldSet> children;

    boolean isMember() {
        return member;
    }

    void markMember() {
        member = true;
    }

    /** Whether the set holds no path at all. */
    boolean isEmpty() {
        return !member && (children == null || children.isEmpty());
    }

    /** The child node for {@code pe}, created if absent. */
    FieldSet child(PathElement pe) {
        if (children == null) {
            children = new HashMap<>();
        }
        return children.computeIfAbsent(pe, k -> new FieldSet());
    }

    /** The child node for {@code pe}, or null. */
    FieldSet get(PathElement pe) {
        return children == null ? null : children.get(pe);
    }

    boolean hasChildren() {
        return children != null && !children.isEmpty();
    }

    /** Drops the child for {@code pe} if it holds nothing. */
    void dropIfEmpty(PathElement pe) {
        FieldSet c = get(pe);
        if (c != null && c.isEmpty()) {
            children.remove(pe);
        }
    }

    /** Adds one path (the empty path is ignored). */
    void insert(List<PathElement> path) {
        FieldSet node = this;
        for (PathElement pe : path) {
            node = node.child(pe);
        }
        if (node != this) {
            node.member = true;
        }
    }

    /** Removes one path as a member (its descendants stay). */
    void removeMember(List<PathElement> path) {
        removeMember(path, 0);
    }

    private void removeMember(List<PathElement> path, int from) {
        FieldSet c = get(path.get(from));
        if (c == null) {
            return;
        }
        if (from == path.size() - 1) {
            c.member = false;
        } else {
            c.removeMember(path, from + 1);
        }
        dropIfEmpty(path.get(from));
    }

    FieldSet copy() {
        FieldSet out = new FieldSet();
        out.addAll(this);
        return out;
    }

    /** Union in place. */
    void addAll(FieldSet other) {
        if (other == null) {
            return;
        }
        member |= other.member;
        if (other.children != null) {
            other.children.forEach((pe, c) -> child(pe).addAll(c));
        }
    }

    /** Difference in place: every member of {@code other} stops being a member here. */
    void removeAll(FieldSet other) {
        if (other == null || children == null || other.children == null) {
            return;
        }
        for (Map.Entry<PathElement, FieldSet> e : other.children.entrySet()) {
            FieldSet mine = children.get(e.getKey());
            if (mine == null) {
                continue;
            }
            if (e.getValue().member) {
                mine.member = false;
            }
            mine.removeAll(e.getValue());
            dropIfEmpty(e.getKey());
        }
    }

    /** A new set of the paths that are members of both. */
    FieldSet intersect(FieldSet other) {
        FieldSet out = new FieldSet();
        if (other == null || children == null || other.children == null) {
            return out;
        }
        Map<PathElement, FieldSet> small = children.size() <= other.children.size() ? children : other.children;
        Map<PathElement, FieldSet> large = small == children ? other.children : children;
        for (Map.Entry<PathElement, FieldSet> e : small.entrySet()) {
            FieldSet theirs = large.get(e.getKey());
            if (theirs == null) {
                continue;
            }
            FieldSet both = e.getValue().intersect(theirs);
            both.member = e.getValue().member && theirs.member;
            if (!both.isEmpty()) {
                out.child(e.getKey()).addAll(both);
            }
        }
        return out;
    }

    /** Children in path-element order (for stable output). */
    List<Map.Entry<PathElement, FieldSet>> sortedChildren() {
        if (children == null) {
            return List.of();
        }
        List<Map.Entry<PathElement, FieldSet>> out = new ArrayList<>(children.entrySet());
        out.sort(Map.Entry.comparingByKey());
        return out;
    }

    /** Visits every member path in order; the list passed is reused, copy it to keep it. */
    void forEachMember(BiConsumer<List<PathElement>, FieldSet> visitor) {
        forEachMember(new ArrayList<>(), visitor);
    }

    private void forEachMember(List<PathElement> prefix, BiConsumer<List<PathElement>, FieldSet> visitor) {
        for (Map.Entry<PathElement, FieldSet> e : sortedChildren()) {
            prefix.add(e.getKey());
            if (e.getValue().member) {
                visitor.accept(prefix, e.getValue());
            }
            e.getValue().forEachMember(prefix, visitor);
            prefix.removeLast();
        }
    }

    /** A path in the human form: {@code .spec.containers[name="web"].image}. */
    static String display(List<PathElement> path) {
        StringBuilder b = new StringBuilder();
        path.forEach(pe -> b.append(pe.display()));
        return b.toString();
    }

    @Override
    public String toString() {
        List<String> paths = new ArrayList<>();
        forEachMember((p, n) -> paths.add(display(p)));
        return paths.toString();
    }
}
