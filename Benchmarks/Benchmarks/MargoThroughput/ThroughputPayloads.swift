import EOSModel
import Foundation

/// The messages the throughput benchmarks send, shaped like real ones.
enum ThroughputPayloads {
    /// One generation of a two-workload deployment (a container with env, mounts, resources and a health check,
    /// and a process), for one node of a wave.
    static func desiredState() throws -> FleetDesiredState {
        let fleet = try FleetDeployment(
            yaml: """
                apiVersion: eos/v1
                kind: FleetDeployment
                metadata:
                  name: vision
                  labels: {team: vision, tier: edge}
                spec:
                  target:
                    sites: {matchLabels: {region: eu-west}}
                  placement: {mode: EveryNode}
                  rollout: {strategy: Canary, steps: ["5%", "25%", "100%"], maxUnavailable: "10%"}
                  workloads:
                    - name: detector
                      container:
                        image: registry.local:5000/vision/detector:1.4.2
                        args: ["--model", "/models/yolo.onnx", "--threads", "2"]
                        env: {LOG_LEVEL: info, WORKER_ID: "7"}
                        mounts: [{source: /srv/models, target: /models, readOnly: true}]
                        resources: {cpu: "500m", memory: 256Mi}
                      restartPolicy: Always
                      healthCheck: {exec: ["/bin/healthcheck", "--quick"], periodSeconds: 10, failureThreshold: 3}
                    - name: uploader
                      process:
                        command: ["/usr/local/bin/uploader", "--interval", "30"]
                        env: {TARGET: "https://ingest.example.com/vision"}
                      restartPolicy: OnFailure
                      stopTimeout: 20s
                """)
        return FleetDesiredState(fleet, generation: 7, wave: 2, nodeIDs: ["edge-01"])
    }

    /// Node edge-01's report on that deployment: installed, both workloads running.
    static func nodeStatus() -> NodeDeploymentStatus {
        let startedAt = Timestamp(Date(timeIntervalSince1970: 1_800_000_000))
        return NodeDeploymentStatus(
            deployment: "vision", observedGeneration: 7, nodeID: "edge-01", siteID: "store-0042", state: .installed,
            workloads: [
                WorkloadStatus(name: "detector", state: .running, restarts: 1, health: .healthy, startedAt: startedAt),
                WorkloadStatus(name: "uploader", state: .running, startedAt: startedAt),
            ],
            observedAt: Timestamp(Date(timeIntervalSince1970: 1_800_000_042)), reportedBy: "node/edge-01")
    }
}
