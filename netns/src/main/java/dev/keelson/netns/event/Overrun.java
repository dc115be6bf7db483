package dev.keelson.netns.event;

/**
 * Notifications were lost: the kernel could not queue more on the socket (ENOBUFS — the listener
 * fell behind and the receive buffer filled up), or one was larger than the receive buffer. The
 * subscription goes on; a listener that tracks state should re-read it (a dump) now, since it
 * cannot know what it missed.
 *
 * @param reason what happened, for logs
 */
public record Overrun(String reason) implements NetEvent {
}
