package dev.keelson.control.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Objects for controller tests, written as JSON with single quotes. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }
}
