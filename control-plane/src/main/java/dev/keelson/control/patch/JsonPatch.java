package dev.keelson.control.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * RFC 6902 JSON patch: a list of add/remove/replace/move/copy/test operations applied in order to
 * one working copy of the target. Any failure aborts the whole patch (section 5) with a message
 * naming the operation's position, kind and path.
 */
final class JsonPatch {
    /** The working document; replaced wholesale by operations on the root pointer. */
    private JsonNode doc;

    private JsonPatch(JsonNode doc) {
        this.doc = doc;
    }

    /** Applies {@code operations} (a JSON array) to a copy of {@code target}. */
    static JsonNode apply(JsonNode target, JsonNode operations) {
        if (operations == null || !operations.isArray()) {
            throw new PatchException("json patch must be a JSON array of operations, got "
                    + (operations == null ? "nothing" : operations.getNodeType().name().toLowerCase()));
        }
        JsonPatch p = new JsonPatch(target == null ? JsonValues.NODES.nullNode() : target.deepCopy());
        for (int i = 0; i < operations.size(); i++) {
            p.applyOne(i, operations.get(i));
        }
        return p.doc;
    }

    private void applyOne(int index, JsonNode op) {
        if (!op.isObject()) {
            throw new PatchException("json patch operation " + index + " is not an object: " + JsonValues.brief(op));
        }
        String kind = text(index, op, "op", "?");
        String path = text(index, op, "path", kind);
        String where = "json patch operation " + index + " (" + kind + " \"" + path + "\"): ";
        try {
            JsonPointer at = JsonPointer.parse(path);
            switch (kind) {
                case "add" -> add(at, value(op), where);
                case "remove" -> remove(at, where);
                case "replace" -> replace(at, value(op), where);
                case "move" -> move(JsonPointer.parse(text(index, op, "from", kind)), at, where);
                case "copy" -> add(at, get(JsonPointer.parse(text(index, op, "from", kind)), where).deepCopy(), where);
                case "test" -> test(at, value(op), where);
                default -> throw new PatchException("unknown op \"" + kind + "\"");
            }
        } catch (PatchException e) {
            throw e.getMessage().startsWith("json patch") ? e : new PatchException(where + e.getMessage());
        }
    }

    private static String text(int index, JsonNode op, String field, String kind) {
        JsonNode v = op.get(field);
        if (v == null || !v.isTextual()) {
            throw new PatchException("json patch operation " + index + " (" + kind + "): missing or non-string \""
                    + field + "\"");
        }
        return v.textValue();
    }

    private static JsonNode value(JsonNode op) {
        JsonNode v = op.get("value");
        if (v == null) {
            throw new PatchException("missing \"value\"");
        }
        return v.deepCopy();
    }

    private void add(JsonPointer at, JsonNode value, String where) {
        if (at.isRoot()) {
            doc = value;
            return;
        }
        JsonNode parent = get(at.parent(), where);
        if (parent.isObject()) {
            ((ObjectNode) parent).set(at.last(), value);
        } else if (parent.isArray()) {
            ArrayNode list = (ArrayNode) parent;
            int i = "-".equals(at.last()) ? list.size() : index(at, list.size(), where);
            list.insert(i, value);
        } else {
            throw new PatchException(where + "parent \"" + at.parent() + "\" is not an object or array");
        }
    }

    private void remove(JsonPointer at, String where) {
        if (at.isRoot()) {
            throw new PatchException(where + "the whole document cannot be removed");
        }
        JsonNode parent = get(at.parent(), where);
        if (parent.isObject()) {
            if (((ObjectNode) parent).remove(at.last()) == null) {
                throw new PatchException(where + "path \"" + at + "\" does not exist");
            }
        } else if (parent.isArray()) {
            ((ArrayNode) parent).remove(index(at, parent.size() - 1, where));
        } else {
            throw new PatchException(where + "path \"" + at + "\" does not exist");
        }
    }

    private void replace(JsonPointer at, JsonNode value, String where) {
        get(at, where); // RFC 6902 4.3: the target location must exist
        if (at.isRoot()) {
            doc = value;
            return;
        }
        JsonNode parent = get(at.parent(), where);
        if (parent.isObject()) {
            ((ObjectNode) parent).set(at.last(), value);
        } else {
            ((ArrayNode) parent).set(index(at, parent.size() - 1, where), value);
        }
    }

    private void move(JsonPointer from, JsonPointer to, String where) {
        if (to.isInside(from)) {
            throw new PatchException(where + "cannot move \"" + from + "\" into its own child \"" + to + "\"");
        }
        JsonNode value = get(from, where);
        if (from.equals(to)) {
            return;
        }
        remove(from, where);
        add(to, value, where);
    }

    private void test(JsonPointer at, JsonNode expected, String where) {
        JsonNode actual = get(at, where);
        if (!JsonValues.equal(actual, expected)) {
            throw new PatchException(where + "test failed: value is " + JsonValues.brief(actual) + ", expected "
                    + JsonValues.brief(expected));
        }
    }

    /** The node a pointer names. @throws PatchException if any step of it is missing */
    private JsonNode get(JsonPointer at, String where) {
        JsonNode node = doc;
        for (int depth = 0; depth < at.tokens().size(); depth++) {
            String token = at.tokens().get(depth);
            JsonNode next = null;
            if (node.isObject()) {
                next = node.get(token);
            } else if (node.isArray() && isIndex(token)) {
                int i = parseIndex(token);
                next = i < node.size() ? node.get(i) : null;
            }
            if (next == null) {
                throw new PatchException(where + "path \"" + at + "\" does not exist");
            }
            node = next;
        }
        return node;
    }

    /** An array index in {@code [0, max]} taken from the pointer's last token. */
    private static int index(JsonPointer at, int max, String where) {
        String token = at.last();
        if (!isIndex(token)) {
            throw new PatchException(where + "\"" + token + "\" is not a valid array index");
        }
        int i = parseIndex(token);
        if (i > max) {
            throw new PatchException(where + "array index " + token + " is out of bounds");
        }
        return i;
    }

    /** RFC 6901 section 4: "0", or digits without a leading zero. */
    private static boolean isIndex(String token) {
        if (token.isEmpty() || token.length() > 9 || (token.length() > 1 && token.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) < '0' || token.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static int parseIndex(String token) {
        return Integer.parseInt(token);
    }
}
