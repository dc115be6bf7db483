package dev.keelson.control.api.rest;

import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.http.MediaType;

/** The form a client asked objects in (from its Accept header). */
public enum Representation {
    JSON("application/json"),
    YAML("application/yaml"),
    TABLE("application/json;as=Table;v=v1;g=meta.k8s.io"),
    PARTIAL("application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io");

    private final String contentType;

    Representation(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /** The first acceptable form in the client's order; 406 when none is. */
    public static Representation of(ApiRequest request) {
        String accept = request.accept();
        if (accept.isBlank()) {
            return JSON;
        }
        for (MediaType m : MediaType.parseAccept(accept)) {
            String as = m.param("as");
            if (as.isEmpty()) {
                if (m.json()) {
                    return JSON;
                }
                if (m.yaml()) {
                    return YAML;
                }
            } else if (m.type().equals("application/json") && m.param("g").equals("meta.k8s.io")
                    && (m.param("v").equals("v1") || m.param("v").equals("v1beta1"))) {
                if (as.equals("Table")) {
                    return TABLE;
                }
                if (as.equals("PartialObjectMetadata") || as.equals("PartialObjectMetadataList")) {
                    return PARTIAL;
                }
            }
        }
        throw ApiException.notAcceptable(accept);
    }
}
