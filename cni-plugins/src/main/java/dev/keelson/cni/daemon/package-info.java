/**
 * The fast exec path of Keelson's CNI plugins: {@link dev.keelson.cni.daemon.CniDaemon}, a resident
 * server on a root-only Unix socket that runs plugins in-process for the thin native client
 * ({@code native/c/keelson-cni-client.c}) installed as {@code /opt/cni/bin/<plugin>}
 * ({@link dev.keelson.cni.daemon.Installer}), and {@link dev.keelson.cni.daemon.PluginMain}, the JVM
 * the client falls back to when the daemon is down.
 */
package dev.keelson.cni.daemon;
