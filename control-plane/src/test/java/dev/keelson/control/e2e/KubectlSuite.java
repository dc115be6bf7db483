package dev.keelson.control.e2e;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every kubectl end-to-end class shares: it runs once per kubectl version (the oldest and the
 * newest this machine has) against the one shared {@link Cluster}.
 */
@ParameterizedClass(name = "kubectl {0}")
@ValueSource(strings = {"1.20", "1.33"})
@ExtendWith(ClusterExtension.class)
abstract class KubectlSuite {
    @Parameter
    String version;
    Cluster cluster;
    Kubectl kubectl;

    @BeforeEach
    void setUp(Cluster cluster) {
        this.cluster = cluster;
        this.kubectl = Kubectl.of(version, cluster);
    }
}
