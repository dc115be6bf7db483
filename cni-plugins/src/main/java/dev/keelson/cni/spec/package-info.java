/**
 * The CNI specification (1.1.0 and every version back to 0.1.0) as Java types: network configs
 * and conflists, results per version with libcni's conversions, spec errors, {@code CNI_ARGS}
 * and {@code runtimeConfig}. Printing matches the reference plugins byte for byte.
 */
package dev.keelson.cni.spec;
