/// Where a deployment's rollout stands, as `GET /status/{name}` reports it.
public enum DeploymentPhase: String, DocumentEnum {
    /// Waves are being applied.
    case progressing = "Progressing"
    /// Every reachable targeted node runs the current generation.
    case complete = "Complete"
    /// An operator paused the rollout; nothing new is applied until it resumes.
    case paused = "Paused"
    /// The rollout finished, but some nodes have since failed or become unreachable.
    case degraded = "Degraded"
    /// The rollout failed and nodes were returned to the previous generation.
    case rolledBack = "RolledBack"
    /// The rollout stopped: more nodes failed than `failureThreshold` allows.
    case failed = "Failed"
}
