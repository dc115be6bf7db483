package dev.keelson.control.patch;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 6901 JSON pointer: {@code ""} is the whole document, {@code "/a/0/b~1c"} names member
 * {@code b/c} of element 0 of member {@code a} ({@code ~1} is {@code /}, {@code ~0} is {@code ~}).
 *
 * @param text the pointer as written, for messages
 * @param tokens the unescaped reference tokens
 */
record JsonPointer(String text, List<String> tokens) {

    /** Parses a pointer. @throws PatchException if it does not start with '/' or has a bad escape */
    static JsonPointer parse(String text) {
        if (text.isEmpty()) {
            return new JsonPointer(text, List.of());
        }
        if (text.charAt(0) != '/') {
            throw new PatchException("invalid JSON pointer \"" + text + "\": it must be empty or start with '/'");
        }
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        for (int i = 1; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '/';
            if (c == '/') {
                tokens.add(token.toString());
                token.setLength(0);
            } else if (c == '~') {
                char next = i + 1 < text.length() ? text.charAt(i + 1) : ' ';
                if (next != '0' && next != '1') {
                    throw new PatchException("invalid JSON pointer \"" + text + "\": '~' must be followed by 0 or 1");
                }
                token.append(next == '0' ? '~' : '/');
                i++;
            } else {
                token.append(c);
            }
        }
        return new JsonPointer(text, List.copyOf(tokens));
    }

    boolean isRoot() {
        return tokens.isEmpty();
    }

    /** The pointer to the parent container. */
    JsonPointer parent() {
        int cut = text.lastIndexOf('/');
        return new JsonPointer(text.substring(0, cut), tokens.subList(0, tokens.size() - 1));
    }

    String last() {
        return tokens.getLast();
    }

    /** Whether this pointer names a proper descendant of {@code other}. */
    boolean isInside(JsonPointer other) {
        return tokens.size() > other.tokens.size() && tokens.subList(0, other.tokens.size()).equals(other.tokens);
    }

    @Override
    public String toString() {
        return text;
    }
}
