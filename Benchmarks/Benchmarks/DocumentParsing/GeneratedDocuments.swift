/// Realistic FleetDeployment text of a chosen size, generated so benchmarks need no fixtures.
enum GeneratedDocuments {
    /// One deployment with `workloads` workloads, alternating containers (with env, mounts, resources and a
    /// health check) and processes, under a canary rollout.
    static func fleet(named name: String, workloads: Int) -> String {
        var text = """
            apiVersion: eos/v1
            kind: FleetDeployment
            metadata:
              name: \(name)
              labels: {team: vision, tier: edge}
            spec:
              target:
                sites: {matchLabels: {region: eu-west}}
                nodes: {matchExpressions: [{key: gpu, operator: Exists}, {key: zone, operator: In, values: [a, b]}]}
              placement: {mode: EveryNode}
              rollout:
                strategy: Canary
                steps: ["5%", "25%", "100%"]
                maxUnavailable: "10%"
                minReadySeconds: 10
                failureThreshold: "5%"
                autoRollback: true
              workloads:

            """
        for index in 0..<workloads {
            if index.isMultiple(of: 2) {
                text += """
                        - name: detector-\(index)
                          container:
                            image: registry.local:5000/vision/detector:1.4.\(index)
                            args: ["--model", "/models/yolo.onnx", "--threads", "2"]
                            env: {LOG_LEVEL: info, WORKER_ID: "\(index)"}
                            mounts: [{source: /srv/models, target: /models, readOnly: true}]
                            resources: {cpu: "500m", memory: 256Mi}
                          restartPolicy: Always
                          healthCheck: {exec: ["/bin/healthcheck", "--quick"], periodSeconds: 10, failureThreshold: 3}

                    """
            } else {
                text += """
                        - name: uploader-\(index)
                          process:
                            command: ["/usr/local/bin/uploader", "--interval", "30"]
                            env: {TARGET: "https://ingest.example.com/\(index)"}
                          restartPolicy: OnFailure
                          stopTimeout: 20s

                    """
            }
        }
        return text
    }

    /// A multi-document stream of 20-workload deployments adding up to about `targetBytes`.
    static func stream(targetBytes: Int) -> String {
        var text = ""
        var index = 0
        while text.utf8.count < targetBytes {
            text += "---\n" + fleet(named: "fleet-\(index)", workloads: 20)
            index += 1
        }
        return text
    }
}
