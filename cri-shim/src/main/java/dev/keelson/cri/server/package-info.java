/**
 * The gRPC server of the CRI shim: {@code runtime.v1} RuntimeService and ImageService on a Unix
 * socket over Netty's epoll domain-socket transport.
 *
 * <pre>
 *   client (kubelet, crictl)
 *      │  HTTP/2 over AF_UNIX  (/run/keelson/keelson.sock, 0660)
 *   CriServer ── SocketFile (directory, stale/live socket, mode)
 *      │
 *   RpcRouter ── per RPC: the CriArea that claims it, else UNIMPLEMENTED "X is not implemented yet"
 *      ├── RuntimeInfoArea   Version, Status, RuntimeConfig
 *      ├── (sandboxes, containers, images: later areas)
 * </pre>
 *
 * New work plugs in as a {@link dev.keelson.cri.server.CriArea}; the transport does not change.
 */
package dev.keelson.cri.server;
