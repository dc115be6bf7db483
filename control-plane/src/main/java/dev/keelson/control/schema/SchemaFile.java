package dev.keelson.control.schema;

import dev.keelson.control.schema.TypeDef.FieldDef;
import dev.keelson.control.schema.TypeDef.Gvk;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the compact schema file ({@code kinds.schema}, written by
 * {@code control-plane/src/build/gen-schema.py}; its header describes the format) into
 * {@link TypeDef}s, in file order.
 */
final class SchemaFile {
    static final String RESOURCE = "kinds.schema";

    private SchemaFile() {}

    static List<TypeDef> load() {
        try (InputStream in = SchemaFile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + RESOURCE + " is missing from the jar");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read schema resource " + RESOURCE, e);
        }
    }

    static List<TypeDef> parse(List<String> lines) {
        List<TypeDef> types = new ArrayList<>();
        Builder current = null;
        int number = 0;
        for (String line : lines) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                if (line.startsWith("type ")) {
                    if (current != null) {
                        types.add(current.build());
                    }
                    current = typeLine(line.substring(5).trim().split(" "));
                } else if (line.startsWith("  ") && current != null) {
                    current.fieldLine(line.trim().split(" "));
                } else {
                    throw new IllegalArgumentException("neither a type nor a field line");
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException(RESOURCE + ":" + number + ": " + e.getMessage() + ": " + line, e);
            }
        }
        if (current != null) {
            types.add(current.build());
        }
        return types;
    }

    private static Builder typeLine(String[] words) {
        Builder b = new Builder(words[0]);
        if (!words[1].equals("object")) {
            b.scalar = TypeExpr.parse(words[1]);
        }
        for (int i = 2; i < words.length; i++) {
            String w = words[i];
            if (w.equals("embedded")) {
                b.embedded = true;
            } else if (w.equals("map=atomic")) {
                b.atomic = true;
            } else if (w.startsWith("map=")) {
                continue;
            } else if (w.startsWith("proto=")) {
                b.proto = w.substring(6);
            } else if (w.startsWith("gvk=")) {
                for (String gvk : w.substring(4).split(",")) {
                    String[] p = gvk.split("/", -1);
                    b.gvks.add(new Gvk(p[0], p[1], p[2]));
                }
            } else {
                throw new IllegalArgumentException("unknown type attribute \"" + w + "\"");
            }
        }
        return b;
    }

    private static final class Builder {
        final String name;
        TypeExpr scalar;
        final List<Gvk> gvks = new ArrayList<>();
        boolean atomic;
        boolean embedded;
        String proto;
        final Map<String, FieldDef> fields = new LinkedHashMap<>();
        final Map<Integer, FieldDef> byProto = new TreeMap<>();
        final Map<Integer, String> inlines = new TreeMap<>();

        Builder(String name) {
            this.name = name;
        }

        void fieldLine(String[] words) {
            if (words[0].equals("(inline)")) {
                inlines.put(Integer.parseInt(words[2].substring("proto=".length())), words[1].substring(1));
                return;
            }
            boolean required = false;
            int proto = 0;
            String patch = "";
            String key = null;
            String list = "";
            List<String> keys = List.of();
            String map = "";
            boolean keepZero = false;
            for (int i = 2; i < words.length; i++) {
                String w = words[i];
                int eq = w.indexOf('=');
                String attr = eq < 0 ? w : w.substring(0, eq);
                String value = eq < 0 ? "" : w.substring(eq + 1);
                switch (attr) {
                    case "required" -> required = true;
                    case "proto" -> proto = Integer.parseInt(value);
                    case "patch" -> patch = value;
                    case "key" -> key = value;
                    case "list" -> list = value;
                    case "keys" -> keys = List.of(value.split(","));
                    case "map" -> map = value;
                    case "ptr", "keep" -> keepZero = true;
                    default -> throw new IllegalArgumentException("unknown field attribute \"" + w + "\"");
                }
            }
            FieldDef f = new FieldDef(words[0], TypeExpr.parse(words[1]), required, proto, patch, key, list, keys, map, keepZero);
            fields.put(f.name(), f);
            if (proto > 0) {
                byProto.put(proto, f);
            }
        }

        TypeDef build() {
            return new TypeDef(name, scalar, List.copyOf(gvks), atomic, embedded, proto,
                    Collections.unmodifiableMap(fields), Collections.unmodifiableMap(byProto),
                    Collections.unmodifiableMap(inlines));
        }
    }

}
