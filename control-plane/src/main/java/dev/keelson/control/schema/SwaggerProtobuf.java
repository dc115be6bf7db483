package dev.keelson.control.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Encodes the Swagger 2.0 document as the protobuf message {@code openapi.v2.Document} of
 * google/gnostic ({@code OpenAPIv2.proto}). kubectl asks {@code /openapi/v2} for
 * {@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf} and can read nothing else,
 * so this is the form that client-side validation and older {@code kubectl explain} depend on.
 * Only the parts of the schema language this project's documents use are encoded; vendor
 * extensions travel as YAML text (JSON is YAML), which is how gnostic carries them.
 */
final class SwaggerProtobuf {
    // openapi.v2.Document
    private static final int DOC_SWAGGER = 1;
    private static final int DOC_INFO = 2;
    private static final int DOC_PATHS = 8;
    private static final int DOC_DEFINITIONS = 9;
    // Info
    private static final int INFO_TITLE = 1;
    private static final int INFO_VERSION = 2;
    // Paths / Definitions / Properties: repeated Named* entries (name = 1, value = 2)
    private static final int PATHS_PATH = 2;
    private static final int NAMED_LIST = 1;
    private static final int NAME = 1;
    private static final int VALUE = 2;
    // PathItem
    private static final Map<String, Integer> PATH_OPERATIONS = Map.of("get", 2, "put", 3, "post", 4, "delete", 5,
            "options", 6, "head", 7, "patch", 8);
    private static final int PATH_PARAMETERS = 9;
    // Operation
    private static final int OP_OPERATION_ID = 5;
    private static final int OP_CONSUMES = 7;
    private static final int OP_PARAMETERS = 8;
    private static final int OP_RESPONSES = 9;
    private static final int OP_EXTENSIONS = 13;
    // ParametersItem.parameter = 1; Parameter.body_parameter = 1, non_body_parameter = 2;
    // NonBodyParameter.query_parameter_sub_schema = 3, path_parameter_sub_schema = 4
    private static final int ITEM_PARAMETER = 1;
    private static final int BODY_PARAMETER = 1;
    private static final int NON_BODY_PARAMETER = 2;
    private static final int QUERY_SUB_SCHEMA = 3;
    private static final int PATH_SUB_SCHEMA = 4;
    // Responses.response_code; ResponseValue.response; Response.description / schema; SchemaItem.schema
    private static final int RESPONSE_CODE = 1;
    private static final int RESPONSE_VALUE_RESPONSE = 1;
    private static final int RESPONSE_DESCRIPTION = 1;
    private static final int RESPONSE_SCHEMA = 2;
    private static final int SCHEMA_ITEM_SCHEMA = 1;
    // Any.yaml
    private static final int ANY_YAML = 2;
    // Schema
    private static final int SCHEMA_REF = 1;
    private static final int SCHEMA_FORMAT = 2;
    private static final int SCHEMA_DESCRIPTION = 4;
    private static final int SCHEMA_REQUIRED = 19;
    private static final int SCHEMA_ADDITIONAL_PROPERTIES = 21;
    private static final int SCHEMA_TYPE = 22;
    private static final int SCHEMA_ITEMS = 23;
    private static final int SCHEMA_ALL_OF = 24;
    private static final int SCHEMA_PROPERTIES = 25;
    private static final int SCHEMA_EXTENSIONS = 31;

    private SwaggerProtobuf() {}

    static byte[] encode(ObjectNode doc) {
        ProtoWriter w = new ProtoWriter();
        w.string(DOC_SWAGGER, doc.path("swagger").asText());
        w.message(DOC_INFO, new ProtoWriter()
                .string(INFO_TITLE, doc.path("info").path("title").asText())
                .string(INFO_VERSION, doc.path("info").path("version").asText()));
        ProtoWriter paths = new ProtoWriter();
        for (Map.Entry<String, JsonNode> e : doc.path("paths").properties()) {
            paths.message(PATHS_PATH, named(e.getKey(), pathItem(e.getValue())));
        }
        w.message(DOC_PATHS, paths);
        ProtoWriter defs = new ProtoWriter();
        for (Map.Entry<String, JsonNode> e : doc.path("definitions").properties()) {
            defs.message(NAMED_LIST, named(e.getKey(), schema(e.getValue())));
        }
        w.message(DOC_DEFINITIONS, defs);
        return w.toByteArray();
    }

    private static ProtoWriter named(String name, ProtoWriter value) {
        return new ProtoWriter().string(NAME, name).message(VALUE, value);
    }

    private static ProtoWriter pathItem(JsonNode item) {
        ProtoWriter w = new ProtoWriter();
        for (Map.Entry<String, JsonNode> e : item.properties()) {
            Integer op = PATH_OPERATIONS.get(e.getKey());
            if (op != null) {
                w.message(op, operation(e.getValue()));
            }
        }
        for (JsonNode p : item.path("parameters")) {
            w.message(PATH_PARAMETERS, parameter(p));
        }
        return w;
    }

    private static ProtoWriter operation(JsonNode op) {
        ProtoWriter w = new ProtoWriter();
        w.string(OP_OPERATION_ID, op.path("operationId").asText());
        for (JsonNode c : op.path("consumes")) {
            w.string(OP_CONSUMES, c.asText());
        }
        for (JsonNode p : op.path("parameters")) {
            w.message(OP_PARAMETERS, parameter(p));
        }
        ProtoWriter responses = new ProtoWriter();
        for (Map.Entry<String, JsonNode> e : op.path("responses").properties()) {
            ProtoWriter response = new ProtoWriter().string(RESPONSE_DESCRIPTION, e.getValue().path("description").asText());
            if (e.getValue().has("schema")) {
                response.message(RESPONSE_SCHEMA,
                        new ProtoWriter().message(SCHEMA_ITEM_SCHEMA, schema(e.getValue().get("schema"))));
            }
            responses.message(RESPONSE_CODE, named(e.getKey(),
                    new ProtoWriter().message(RESPONSE_VALUE_RESPONSE, response)));
        }
        w.message(OP_RESPONSES, responses);
        extensions(w, OP_EXTENSIONS, op);
        return w;
    }

    private static ProtoWriter parameter(JsonNode p) {
        String in = p.path("in").asText();
        ProtoWriter parameter = new ProtoWriter();
        if (in.equals("body")) {
            parameter.message(BODY_PARAMETER, new ProtoWriter()
                    .string(2, p.path("name").asText())
                    .string(3, in)
                    .bool(4, p.path("required").asBoolean())
                    .message(5, schema(p.path("schema"))));
        } else {
            // QueryParameterSubSchema: required 1, in 2, name 4, type 6, unique_items 20;
            // PathParameterSubSchema: required 1, in 2, name 4, type 5, unique_items 19.
            boolean query = in.equals("query");
            ProtoWriter sub = new ProtoWriter()
                    .bool(1, p.path("required").asBoolean())
                    .string(2, in)
                    .string(4, p.path("name").asText())
                    .string(query ? 6 : 5, p.path("type").asText())
                    .bool(query ? 20 : 19, p.path("uniqueItems").asBoolean());
            parameter.message(NON_BODY_PARAMETER, new ProtoWriter().message(query ? QUERY_SUB_SCHEMA : PATH_SUB_SCHEMA, sub));
        }
        return new ProtoWriter().message(ITEM_PARAMETER, parameter);
    }

    private static ProtoWriter schema(JsonNode s) {
        ProtoWriter w = new ProtoWriter();
        if (s.has("$ref")) {
            w.string(SCHEMA_REF, s.get("$ref").asText());
        }
        if (s.has("format")) {
            w.string(SCHEMA_FORMAT, s.get("format").asText());
        }
        if (s.has("description")) {
            w.string(SCHEMA_DESCRIPTION, s.get("description").asText());
        }
        for (JsonNode r : s.path("required")) {
            w.string(SCHEMA_REQUIRED, r.asText());
        }
        if (s.has("additionalProperties")) {
            JsonNode ap = s.get("additionalProperties");
            w.message(SCHEMA_ADDITIONAL_PROPERTIES, ap.isBoolean()
                    ? new ProtoWriter().bool(2, ap.asBoolean())
                    : new ProtoWriter().message(1, schema(ap)));
        }
        if (s.has("type")) {
            w.message(SCHEMA_TYPE, new ProtoWriter().string(1, s.get("type").asText()));
        }
        if (s.has("items")) {
            w.message(SCHEMA_ITEMS, new ProtoWriter().message(1, schema(s.get("items"))));
        }
        for (JsonNode a : s.path("allOf")) {
            w.message(SCHEMA_ALL_OF, schema(a));
        }
        if (s.has("properties")) {
            ProtoWriter props = new ProtoWriter();
            for (Map.Entry<String, JsonNode> e : s.get("properties").properties()) {
                props.message(NAMED_LIST, named(e.getKey(), schema(e.getValue())));
            }
            w.message(SCHEMA_PROPERTIES, props);
        }
        extensions(w, SCHEMA_EXTENSIONS, s);
        return w;
    }

    private static void extensions(ProtoWriter w, int field, JsonNode node) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.startsWith("x-")) {
                w.message(field, new ProtoWriter().string(NAME, name)
                        .message(VALUE, new ProtoWriter().string(ANY_YAML, node.get(name).toString())));
            }
        }
    }
}
