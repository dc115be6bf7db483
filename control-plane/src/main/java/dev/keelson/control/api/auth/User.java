package dev.keelson.control.api.auth;

import java.util.List;

/** An authenticated user: name, uid and groups, as in a Kubernetes static token file line. */
public record User(String name, String uid, List<String> groups) {}
