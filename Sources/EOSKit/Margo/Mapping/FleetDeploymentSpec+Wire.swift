import EOSModel

// FleetSpec `spec` ↔ eos.margo.v1.FleetDeploymentSpec, field by field. Workloads are in Workload+Wire.swift, the
// Margo application in MargoApplicationReference+Wire.swift.

extension FleetDeploymentSpec {
    /// Decodes a spec, checking every field the protocol requires.
    init(wire: Eos_Margo_V1_FleetDeploymentSpec, at path: WirePath = "spec") throws(MargoError) {
        guard wire.hasTarget else { throw path.appending("target").required }
        guard wire.hasPlacement else { throw path.appending("placement").required }
        guard wire.hasRollout else { throw path.appending("rollout").required }
        self.init(
            target: try FleetTarget(wire: wire.target, at: path.appending("target")),
            placement: try Placement(wire: wire.placement, at: path.appending("placement")),
            workloads: try path.each("workloads", wire.workloads) { (workload, path) throws(MargoError) in
                try Workload(wire: workload, at: path)
            },
            application: wire.hasApplication
                ? try MargoApplicationReference(wire: wire.application, at: path.appending("application")) : nil,
            rollout: try RolloutPolicy(wire: wire.rollout, at: path.appending("rollout")))
    }

    /// The spec as a wire message.
    var wire: Eos_Margo_V1_FleetDeploymentSpec {
        var wire = Eos_Margo_V1_FleetDeploymentSpec()
        wire.target = target.wire
        wire.placement = placement.wire
        wire.workloads = workloads.map(\.wire)
        if let application { wire.application = application.wire }
        wire.rollout = rollout.wire
        return wire
    }
}

extension FleetTarget {
    /// Decodes a target; absent selectors match everything.
    init(wire: Eos_Margo_V1_FleetTarget, at path: WirePath) throws(MargoError) {
        self.init(
            sites: wire.hasSites ? try LabelSelector(wire: wire.sites, at: path.appending("sites")) : nil,
            nodes: wire.hasNodes ? try LabelSelector(wire: wire.nodes, at: path.appending("nodes")) : nil)
    }

    /// The target as a wire message.
    var wire: Eos_Margo_V1_FleetTarget {
        var wire = Eos_Margo_V1_FleetTarget()
        if let sites { wire.sites = sites.wire }
        if let nodes { wire.nodes = nodes.wire }
        return wire
    }
}

extension LabelSelector {
    /// Decodes a selector.
    init(wire: Eos_Margo_V1_LabelSelector, at path: WirePath) throws(MargoError) {
        for key in wire.matchLabels.keys where key.isEmpty {
            throw path.appending("matchLabels").invalid("a label key must not be empty")
        }
        self.init(
            matchLabels: wire.matchLabels,
            matchExpressions: try path.each("matchExpressions", wire.matchExpressions) {
                (requirement, path) throws(MargoError) in try LabelSelectorRequirement(wire: requirement, at: path)
            })
    }

    /// The selector as a wire message.
    var wire: Eos_Margo_V1_LabelSelector {
        var wire = Eos_Margo_V1_LabelSelector()
        wire.matchLabels = matchLabels
        wire.matchExpressions = matchExpressions.map(\.wire)
        return wire
    }
}

extension LabelSelectorRequirement {
    /// Decodes a requirement; `key` and `operator` are required.
    init(wire: Eos_Margo_V1_LabelSelectorRequirement, at path: WirePath) throws(MargoError) {
        self.init(
            key: try path.appending("key").requiredText(wire.key),
            operator: try Operator(wire: wire.operator, at: path.appending("operator")),
            values: wire.values)
    }

    /// The requirement as a wire message.
    var wire: Eos_Margo_V1_LabelSelectorRequirement {
        var wire = Eos_Margo_V1_LabelSelectorRequirement()
        wire.key = key
        wire.operator = `operator`.wire
        wire.values = values
        return wire
    }
}

extension LabelSelectorRequirement.Operator {
    /// Decodes an operator; unspecified is refused.
    init(wire: Eos_Margo_V1_LabelSelectorOperator, at path: WirePath) throws(MargoError) {
        switch wire {
        case .in: self = .in
        case .notIn: self = .notIn
        case .exists: self = .exists
        case .doesNotExist: self = .doesNotExist
        case .unspecified, .UNRECOGNIZED: throw path.unknownEnum(wire.rawValue)
        }
    }

    /// The operator on the wire.
    var wire: Eos_Margo_V1_LabelSelectorOperator {
        switch self {
        case .in: return .in
        case .notIn: return .notIn
        case .exists: return .exists
        case .doesNotExist: return .doesNotExist
        }
    }
}

extension Placement {
    /// Decodes a placement; exactly one mode is required, and replicas number at least 1.
    init(wire: Eos_Margo_V1_Placement, at path: WirePath) throws(MargoError) {
        switch wire.mode {
        case .everyNode?:
            self = .everyNode
        case .replicas(let replicas)?:
            guard replicas.count >= 1 else {
                throw path.appending("replicas").appending("count").invalid(
                    "must be at least 1, found \(replicas.count)")
            }
            self = .replicas(count: Int(replicas.count), perSite: replicas.perSite)
        case nil:
            throw path.invalid("required: everyNode or replicas")
        }
    }

    /// The placement as a wire message.
    var wire: Eos_Margo_V1_Placement {
        var wire = Eos_Margo_V1_Placement()
        switch self {
        case .everyNode:
            wire.everyNode = Eos_Margo_V1_Placement.EveryNode()
        case .replicas(let count, let perSite):
            var replicas = Eos_Margo_V1_Placement.Replicas()
            replicas.count = Int32(clamping: count)
            replicas.perSite = perSite
            wire.replicas = replicas
        }
        return wire
    }
}

extension RolloutPolicy {
    /// Decodes a policy; strategy, maxUnavailable, failureThreshold and progressDeadline are required.
    init(wire: Eos_Margo_V1_RolloutPolicy, at path: WirePath) throws(MargoError) {
        guard wire.hasMaxUnavailable else { throw path.appending("maxUnavailable").required }
        self.init(
            strategy: try Strategy(wire: wire.strategy, at: path.appending("strategy")),
            steps: try path.each("steps", wire.steps) { (step, path) throws(MargoError) in try path.percentage(step) },
            maxUnavailable: try CountOrPercentage(wire: wire.maxUnavailable, at: path.appending("maxUnavailable")),
            minReadySeconds: try path.appending("minReadySeconds").count(wire.minReadySeconds),
            failureThreshold: try path.appending("failureThreshold").percentage(wire.failureThreshold),
            autoRollback: wire.autoRollback,
            progressDeadline: try path.appending("progressDeadline").duration(wire.progressDeadline))
    }

    /// The policy as a wire message.
    var wire: Eos_Margo_V1_RolloutPolicy {
        var wire = Eos_Margo_V1_RolloutPolicy()
        wire.strategy = strategy.wire
        wire.steps = steps.map(\.description)
        wire.maxUnavailable = maxUnavailable.wire
        wire.minReadySeconds = Int32(clamping: minReadySeconds)
        wire.failureThreshold = failureThreshold.description
        wire.autoRollback = autoRollback
        wire.progressDeadline = progressDeadline.text
        return wire
    }
}

extension RolloutPolicy.Strategy {
    /// Decodes a strategy; unspecified is refused.
    init(wire: Eos_Margo_V1_RolloutStrategy, at path: WirePath) throws(MargoError) {
        switch wire {
        case .allAtOnce: self = .allAtOnce
        case .rolling: self = .rolling
        case .canary: self = .canary
        case .unspecified, .UNRECOGNIZED: throw path.unknownEnum(wire.rawValue)
        }
    }

    /// The strategy on the wire.
    var wire: Eos_Margo_V1_RolloutStrategy {
        switch self {
        case .allAtOnce: return .allAtOnce
        case .rolling: return .rolling
        case .canary: return .canary
        }
    }
}

extension CountOrPercentage {
    /// Decodes a count (never negative) or a percentage; one of them is required.
    init(wire: Eos_Margo_V1_CountOrPercentage, at path: WirePath) throws(MargoError) {
        switch wire.value {
        case .count(let count)?:
            guard count >= 0, let count = Int(exactly: count) else {
                throw path.appending("count").invalid("must not be negative, found \(count)")
            }
            self = .count(count)
        case .percentage(let text)?:
            self = .percentage(try path.appending("percentage").percentage(text))
        case nil:
            throw path.invalid("required: a count or a percentage")
        }
    }

    /// The value as a wire message.
    var wire: Eos_Margo_V1_CountOrPercentage {
        var wire = Eos_Margo_V1_CountOrPercentage()
        switch self {
        case .count(let count): wire.count = Int64(count)
        case .percentage(let percentage): wire.percentage = percentage.description
        }
        return wire
    }
}
