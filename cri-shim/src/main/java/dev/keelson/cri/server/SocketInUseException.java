package dev.keelson.cri.server;

import java.io.IOException;
import java.nio.file.Path;

/** A server is already accepting connections on the socket path; starting a second one is refused. */
public final class SocketInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path socket;

    public SocketInUseException(Path socket) {
        super("another server is listening on " + socket + "; stop it first or use another socket path");
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }
}
