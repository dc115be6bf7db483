/** The {@code loopback} CNI plugin: {@code lo} up in the container's network namespace. */
package dev.keelson.cni.plugins.loopback;
