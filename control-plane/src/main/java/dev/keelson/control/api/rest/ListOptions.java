package dev.keelson.control.api.rest;

import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.registry.ResourceType;

/**
 * The query parameters of a list or watch.
 *
 * @param resourceVersion "" when not given
 * @param resourceVersionMatch "" when not given, else NotOlderThan or Exact
 * @param limit 0 for no limit
 * @param continueToken "" when not given
 */
public record ListOptions(LabelSelector labels, FieldSelector fields, int limit, String continueToken,
                          String resourceVersion, String resourceVersionMatch) {

    public static ListOptions of(ApiRequest request, ResourceType type) {
        LabelSelector labels = LabelSelector.parse(request.param("labelSelector"));
        FieldSelector fields = FieldSelector.parse(request.param("fieldSelector"), type);
        int limit = 0;
        String l = request.param("limit");
        if (l != null && !l.isEmpty()) {
            try {
                limit = Math.max(0, (int) Math.min(Integer.MAX_VALUE, Long.parseLong(l)));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid limit \"" + l + "\": must be an integer");
            }
        }
        String rv = nonNull(request.param("resourceVersion"));
        String match = nonNull(request.param("resourceVersionMatch"));
        if (!match.isEmpty() && !match.equals("NotOlderThan") && !match.equals("Exact")) {
            throw ApiException.badRequest("resourceVersionMatch: Unsupported value: \"" + match
                    + "\": supported values: \"Exact\", \"NotOlderThan\"");
        }
        // sendInitialEvents with NotOlderThan and no resourceVersion is a watch from a consistent read.
        if (!match.isEmpty() && rv.isEmpty() && request.param("sendInitialEvents") == null) {
            throw ApiException.badRequest("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
                    + "resourceVersion is provided");
        }
        if (match.equals("Exact") && rv.equals("0")) {
            throw ApiException.badRequest("resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden "
                    + "for resourceVersion \"0\"");
        }
        if (!rv.isEmpty()) {
            parseRevision(rv);
        }
        String cont = nonNull(request.param("continue"));
        if (!cont.isEmpty() && !rv.isEmpty() && !rv.equals("0")) {
            throw ApiException.badRequest("specifying resource version is not allowed when using continue");
        }
        return new ListOptions(labels, fields, limit, cont, rv, match);
    }

    /** A resourceVersion as a store revision; 400 when it is not a number. */
    public static long parseRevision(String rv) {
        try {
            long v = Long.parseLong(rv);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid resource version: \"" + rv + "\"");
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    public boolean filtered() {
        return !labels.matchesEverything() || !fields.matchesEverything();
    }
}
