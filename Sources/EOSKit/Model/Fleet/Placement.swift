/// How many of the targeted nodes run a deployment's workloads.
///
/// Written `{mode: EveryNode}` or `{mode: Replicas, replicas: 2, perSite: true}`.
public enum Placement: Sendable, Hashable, Codable {
    /// Every targeted node runs the workloads; they never move. The default.
    case everyNode
    /// `count` targeted nodes run the workloads, chosen by free capacity and spread out; when one goes offline
    /// its replica moves to another eligible node. With `perSite`, each targeted site runs `count` replicas;
    /// otherwise `count` is for the whole fleet.
    case replicas(count: Int, perSite: Bool)

    /// The words `mode` takes.
    public enum Mode: String, DocumentEnum {
        /// See ``Placement/everyNode``.
        case everyNode = "EveryNode"
        /// See ``Placement/replicas(count:perSite:)``.
        case replicas = "Replicas"
    }

    /// The placement's mode.
    public var mode: Mode {
        switch self {
        case .everyNode: return .everyNode
        case .replicas: return .replicas
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case mode, replicas, perSite }

    /// Decodes a placement; `replicas` is required for `Replicas` and refused for `EveryNode`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let mode = try container.decode(Mode.self, forKey: .mode)
        let replicas = try container.decodeIfPresent(Int.self, forKey: .replicas)
        let perSite = try container.decodeIfPresent(Bool.self, forKey: .perSite)
        switch mode {
        case .everyNode:
            if replicas != nil {
                throw DecodingError.dataCorruptedError(
                    forKey: .replicas, in: container, debugDescription: "only used with mode Replicas")
            }
            if perSite != nil {
                throw DecodingError.dataCorruptedError(
                    forKey: .perSite, in: container, debugDescription: "only used with mode Replicas")
            }
            self = .everyNode
        case .replicas:
            guard let replicas else {
                throw DecodingError.keyNotFound(
                    CodingKeys.replicas,
                    DecodingError.Context(codingPath: container.codingPath, debugDescription: "required for mode Replicas"))
            }
            self = .replicas(count: replicas, perSite: perSite ?? false)
        }
    }

    /// Encodes `{mode: EveryNode}` or `{mode: Replicas, replicas: N, perSite: B}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mode, forKey: .mode)
        if case .replicas(let count, let perSite) = self {
            try container.encode(count, forKey: .replicas)
            try container.encode(perSite, forKey: .perSite)
        }
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        if case .replicas(let count, _) = self, count < 1 {
            return [ValidationProblem(path: path.appending("replicas"), message: "must be at least 1, found \(count)")]
        }
        return []
    }
}

extension Placement: DecodingPlaceholder {
    static var decodingPlaceholder: Placement { .everyNode }
}
