package dev.keelson.control.api.rest;

import dev.keelson.control.api.http.ApiRequest;

/**
 * The options every write shares.
 *
 * @param dryRun {@code dryRun=All}: validate and answer, store nothing
 * @param strictFields {@code fieldValidation=Strict}: unknown fields are a 400, as kubectl ≥ 1.27 asks
 * @param fieldManager who makes the change, for managedFields
 * @param force server-side apply's {@code force}
 * @param applied the object's managedFields were already computed by server-side apply
 */
public record WriteOptions(boolean dryRun, String fieldManager, boolean force, boolean applied, boolean strictFields) {

    /** The same options for a write whose managed fields server-side apply computed. */
    public WriteOptions asApplied() {
        return new WriteOptions(dryRun, fieldManager, force, true, strictFields);
    }

    /** Reads the options from the query (fieldManager falls back to the User-Agent's product, like Kubernetes). */
    public static WriteOptions of(ApiRequest request) {
        boolean dry = false;
        for (String v : request.params("dryRun")) {
            if (!v.equals("All")) {
                throw ApiException.badRequest("Invalid dryRun value: \"" + v + "\": supported values: \"All\"");
            }
            dry = true;
        }
        String manager = request.param("fieldManager");
        if (manager == null || manager.isEmpty()) {
            manager = fromUserAgent(request.header("user-agent"));
        } else if (manager.length() > 128) {
            throw ApiException.badRequest("fieldManager: Too long: may not be more than 128 bytes");
        }
        String validation = request.param("fieldValidation");
        boolean strict = false;
        if (validation != null && !validation.isEmpty()) {
            switch (validation) {
                case "Strict" -> strict = true;
                case "Warn", "Ignore" -> { }
                default -> throw ApiException.badRequest("fieldValidation parameter unsupported: \"" + validation
                        + "\": supported values are \"Ignore\", \"Warn\", \"Strict\"");
            }
        }
        return new WriteOptions(dry, manager, request.flag("force"), false, strict);
    }

    /** Kubernetes uses the User-Agent up to its first '/' ("kubectl/v1.33 …" → "kubectl"). */
    static String fromUserAgent(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return "unknown";
        }
        int slash = userAgent.indexOf('/');
        String p = slash < 0 ? userAgent : userAgent.substring(0, slash);
        return p.length() > 128 ? p.substring(0, 128) : p;
    }
}
