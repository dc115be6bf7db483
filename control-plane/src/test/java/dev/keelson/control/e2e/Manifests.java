package dev.keelson.control.e2e;

/** The YAML the e2e tests feed kubectl. */
final class Manifests {
    private Manifests() {}

    /** A Deployment of {@code replicas} nginx pods labelled {@code app=NAME}. */
    static String deployment(String name, int replicas, String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %1$s
                  labels:
                    app: %1$s
                spec:
                  replicas: %2$d
                  selector:
                    matchLabels:
                      app: %1$s
                  template:
                    metadata:
                      labels:
                        app: %1$s
                    spec:
                      containers:
                      - name: web
                        image: %3$s
                        ports:
                        - containerPort: 80
                """.formatted(name, replicas, image);
    }

    static String configMap(String name, String key, String value) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                data:
                  %s: "%s"
                """.formatted(name, key, value);
    }
}
