/// How a new generation of a deployment reaches its targeted nodes.
///
/// Defaults: `Rolling`, `maxUnavailable: 25%`, `minReadySeconds: 0`, `failureThreshold: 0%` (any failure stops
/// the rollout), `autoRollback: false`, `progressDeadline: 10m`; Canary steps default to `[10%, 50%, 100%]`.
public struct RolloutPolicy: Sendable, Hashable, Codable {
    /// How nodes are grouped into waves.
    public enum Strategy: String, DocumentEnum {
        /// Every targeted node at once.
        case allAtOnce = "AllAtOnce"
        /// Node by node, at most `maxUnavailable` at a time. The default.
        case rolling = "Rolling"
        /// In waves covering `steps` of the targeted nodes, each gated on the health of the last.
        case canary = "Canary"
    }

    /// How nodes are grouped into waves. Default: `Rolling`.
    public var strategy: Strategy
    /// For `Canary`: the share of targeted nodes updated once each wave is done, strictly increasing, ending at
    /// `100%`. Default: `[10%, 50%, 100%]`.
    public var steps: [Percentage]
    /// How many targeted nodes may be updating or unhealthy at once (for `Rolling`, and within each Canary wave):
    /// a count or a share. Default: `25%`.
    public var maxUnavailable: CountOrPercentage
    /// How long a node must stay healthy after an update before it counts as done. Default: 0.
    public var minReadySeconds: Int
    /// The share of targeted nodes that may fail before the rollout stops. Default: `0%`, any failure stops it.
    public var failureThreshold: Percentage
    /// Whether a stopped rollout returns updated nodes to the previous generation. Default: `false`.
    public var autoRollback: Bool
    /// How long a wave may take before its unfinished nodes count as failed. Default: `10m`.
    public var progressDeadline: DurationValue

    /// `[10%, 50%, 100%]`.
    public static let defaultCanarySteps: [Percentage] = [Percentage(10)!, Percentage(50)!, Percentage(100)!]
    /// `25%`.
    public static let defaultMaxUnavailable = CountOrPercentage.percentage(Percentage(25)!)
    /// `10m`.
    public static let defaultProgressDeadline = DurationValue("10m")!

    /// Creates a policy; every argument has the documented default.
    public init(
        strategy: Strategy = .rolling, steps: [Percentage]? = nil,
        maxUnavailable: CountOrPercentage = RolloutPolicy.defaultMaxUnavailable, minReadySeconds: Int = 0,
        failureThreshold: Percentage = Percentage(0)!, autoRollback: Bool = false,
        progressDeadline: DurationValue = RolloutPolicy.defaultProgressDeadline
    ) {
        self.strategy = strategy
        self.steps = steps ?? (strategy == .canary ? Self.defaultCanarySteps : [])
        self.maxUnavailable = maxUnavailable
        self.minReadySeconds = minReadySeconds
        self.failureThreshold = failureThreshold
        self.autoRollback = autoRollback
        self.progressDeadline = progressDeadline
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case strategy, steps, maxUnavailable, minReadySeconds, failureThreshold, autoRollback, progressDeadline
    }

    /// Decodes a policy, filling in defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            strategy: try container.decodeIfPresent(Strategy.self, forKey: .strategy) ?? .rolling,
            steps: try container.decodeIfPresent([Percentage].self, forKey: .steps),
            maxUnavailable: try container.decodeIfPresent(CountOrPercentage.self, forKey: .maxUnavailable)
                ?? Self.defaultMaxUnavailable,
            minReadySeconds: try container.decodeIfPresent(Int.self, forKey: .minReadySeconds) ?? 0,
            failureThreshold: try container.decodeIfPresent(Percentage.self, forKey: .failureThreshold)
                ?? Percentage(0)!,
            autoRollback: try container.decodeIfPresent(Bool.self, forKey: .autoRollback) ?? false,
            progressDeadline: try container.decodeIfPresent(DurationValue.self, forKey: .progressDeadline)
                ?? Self.defaultProgressDeadline)
    }

    /// Encodes every field, `steps` only for Canary.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(strategy, forKey: .strategy)
        if !steps.isEmpty { try container.encode(steps, forKey: .steps) }
        try container.encode(maxUnavailable, forKey: .maxUnavailable)
        try container.encode(minReadySeconds, forKey: .minReadySeconds)
        try container.encode(failureThreshold, forKey: .failureThreshold)
        try container.encode(autoRollback, forKey: .autoRollback)
        try container.encode(progressDeadline, forKey: .progressDeadline)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        let stepsPath = path.appending("steps")
        if strategy != .canary, !steps.isEmpty {
            problems.append(
                ValidationProblem(
                    path: stepsPath, message: "only used with strategy Canary (strategy is \(strategy.rawValue))"))
        }
        if strategy == .canary {
            if steps.isEmpty {
                problems.append(ValidationProblem(path: stepsPath, message: "required for strategy Canary: list at least one step"))
            }
            for (index, step) in steps.enumerated() {
                if step.value <= 0 {
                    problems.append(ValidationProblem(path: stepsPath.appending(index), message: "must be more than 0%"))
                } else if index > 0, step <= steps[index - 1] {
                    problems.append(
                        ValidationProblem(
                            path: stepsPath.appending(index),
                            message: "\(step) must be greater than the step before it (\(steps[index - 1])): steps strictly increase"))
                }
            }
            if let last = steps.last, last.value != 100 {
                problems.append(
                    ValidationProblem(path: stepsPath.appending(steps.count - 1), message: "the last step must be 100%, found \(last)"))
            }
        }
        if case .count(0) = maxUnavailable {
            problems.append(
                ValidationProblem(path: path.appending("maxUnavailable"), message: "must allow at least one node, found 0"))
        }
        if case .percentage(let share) = maxUnavailable, share.value == 0 {
            problems.append(
                ValidationProblem(path: path.appending("maxUnavailable"), message: "must allow at least one node, found 0%"))
        }
        if minReadySeconds < 0 {
            problems.append(
                ValidationProblem(path: path.appending("minReadySeconds"), message: "must not be negative, found \(minReadySeconds)"))
        }
        if progressDeadline.seconds < 1 {
            problems.append(
                ValidationProblem(path: path.appending("progressDeadline"), message: "must be at least 1s, found \(progressDeadline)"))
        }
        return problems
    }
}

extension RolloutPolicy: DecodingPlaceholder {
    static var decodingPlaceholder: RolloutPolicy { RolloutPolicy() }
}
