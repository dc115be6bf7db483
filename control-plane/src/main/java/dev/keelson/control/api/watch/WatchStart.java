package dev.keelson.control.api.watch;

import dev.keelson.control.api.http.ApiRequest;
import dev.keelson.control.api.rest.ApiException;
import dev.keelson.control.api.rest.ListOptions;

/**
 * Where a watch starts, from resourceVersion and sendInitialEvents (Kubernetes' rules).
 *
 * @param initialEvents send ADDED for the current objects first
 * @param endBookmark follow them with the {@code k8s.io/initial-events-end} bookmark
 * @param afterRevision the revision after which changes are sent (0 = from the initial list or now)
 */
record WatchStart(boolean initialEvents, boolean endBookmark, long afterRevision) {

    static WatchStart of(ApiRequest request, ListOptions options) {
        String rv = options.resourceVersion();
        String send = request.param("sendInitialEvents");
        if (send != null && !send.isEmpty()) {
            boolean on = Boolean.parseBoolean(send);
            if (!options.resourceVersionMatch().equals("NotOlderThan")) {
                throw ApiException.badRequest("sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch "
                        + "unless resourceVersionMatch is set to NotOlderThan");
            }
            if (!request.flag("allowWatchBookmarks") && on) {
                throw ApiException.badRequest("allowWatchBookmarks: Forbidden: allowWatchBookmarks must be true when "
                        + "sendInitialEvents is true");
            }
            if (on) {
                return new WatchStart(true, true, 0);
            }
            return new WatchStart(false, false, rv.isEmpty() || rv.equals("0") ? 0 : ListOptions.parseRevision(rv));
        }
        if (rv.isEmpty() || rv.equals("0")) {
            return new WatchStart(true, false, 0);
        }
        return new WatchStart(false, false, ListOptions.parseRevision(rv));
    }
}
