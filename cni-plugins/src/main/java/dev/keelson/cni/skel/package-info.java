/**
 * The plugin skeleton: environment and config validation, verb dispatch and output, the same
 * whether a plugin is exec'd or called in-process by a resident daemon.
 */
package dev.keelson.cni.skel;
