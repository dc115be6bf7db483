package dev.keelson.netns.event;

/** What a notification says happened to the object: RTM_NEW* (created or changed) or RTM_DEL* (removed). */
public enum Action {
    /** Created, or changed (rtnetlink sends RTM_NEW* for both). */
    NEW,
    /** Removed. */
    DEL
}
