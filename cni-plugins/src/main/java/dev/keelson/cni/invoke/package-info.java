/**
 * The runtime side of CNI, a libcni equivalent for Keelson's CRI shim: network configs loaded from
 * a conf dir ({@link dev.keelson.cni.invoke.ConfDir}), chains run for ADD, CHECK, DEL, STATUS and
 * GC ({@link dev.keelson.cni.invoke.CniInvoker}), Keelson's own plugins in-process and any other
 * exec'd from the plugin path ({@link dev.keelson.cni.invoke.PluginRunner}), and libcni's on-disk
 * result cache ({@link dev.keelson.cni.invoke.ResultCache}), so that a runtime switching between
 * libcni and Keelson finds its attachments either way.
 */
package dev.keelson.cni.invoke;
