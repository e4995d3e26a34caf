/// Chooses sites or nodes by their labels, as Kubernetes label selectors do.
///
/// Every `matchLabels` pair and every `matchExpressions` requirement must hold. An empty selector matches
/// everything.
public struct LabelSelector: Sendable, Hashable, Codable {
    /// Labels that must be present with exactly these values.
    public var matchLabels: [String: String]
    /// Requirements on labels: `In`, `NotIn`, `Exists`, `DoesNotExist`.
    public var matchExpressions: [LabelSelectorRequirement]

    /// Creates a selector; with no arguments it matches everything.
    public init(matchLabels: [String: String] = [:], matchExpressions: [LabelSelectorRequirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// A selector that matches everything.
    public static let everything = LabelSelector()

    /// Whether a set of labels satisfies the selector.
    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        return matchExpressions.allSatisfy { $0.matches(labels) }
    }

    /// Whether the selector has no conditions.
    public var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

    enum CodingKeys: String, CodingKey, CaseIterable { case matchLabels, matchExpressions }

    /// Decodes a selector; both parts are optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        matchLabels = try container.decodeIfPresent([String: String].self, forKey: .matchLabels) ?? [:]
        matchExpressions =
            try container.decodeIfPresent([LabelSelectorRequirement].self, forKey: .matchExpressions) ?? []
    }

    /// Encodes the parts that have conditions.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeSortedIfNotEmpty(matchLabels, forKey: .matchLabels)
        if !matchExpressions.isEmpty { try container.encode(matchExpressions, forKey: .matchExpressions) }
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems = LabelRules.problems(in: matchLabels, at: path.appending("matchLabels"))
        for (index, requirement) in matchExpressions.enumerated() {
            problems += requirement.validationProblems(at: path.appending("matchExpressions").appending(index))
        }
        return problems
    }
}

extension LabelSelector: DecodingPlaceholder {
    static var decodingPlaceholder: LabelSelector { .everything }
}
