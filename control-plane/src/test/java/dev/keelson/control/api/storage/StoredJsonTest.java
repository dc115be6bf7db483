package dev.keelson.control.api.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.api.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoredJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"namespace\":\"d\",\"labels\":{\"x\":\"}\"},"
                + "\"managedFields\":[{\"manager\":\"m\",\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{}}}}]},\"spec\":{}}",
        "{\"metadata\":{}}",
        "{\"spec\":{\"metadata\":{\"name\":\"template\"}},\"metadata\":{\"name\":\"b\"},\"status\":[1,2,{\"k\":null}]}",
        "{\"kind\":\"Secret\",\"data\":{\"k\":\"\\\"quoted\\\" \\u00e9 \\\\ \"},\"metadata\":{\"name\":\"\\u2603\"}}",
    })
    void splicedBytesEqualDecodeSetAndEncode(String stored) {
        byte[] json = Json.bytes(Json.parse(stored.getBytes(StandardCharsets.UTF_8)));
        ObjectNode tree = Json.parseObject(json);
        tree.withObjectProperty("metadata").put("resourceVersion", "12345");
        assertArrayEquals(Json.bytes(tree), StoredJson.withResourceVersion(json, 12345));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"kind\":\"Pod\"}",
        "{\"metadata\":[]}",
        "{\"metadata\":{\"resourceVersion\":\"7\"}}",
        "[1]",
        "{\"metadata\":{\"name\":",
    })
    void unexpectedShapesFallBackToTheTree(String stored) {
        assertNull(StoredJson.withResourceVersion(stored.getBytes(StandardCharsets.UTF_8), 1));
    }
}
