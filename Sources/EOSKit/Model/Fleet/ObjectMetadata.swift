/// A document's identity: its name, and labels and annotations that tools may read.
public struct ObjectMetadata: Sendable, Hashable, Codable {
    /// A DNS-1123 label (`vision-pipeline`), unique among deployments.
    public var name: String
    /// Labels for selecting and grouping; keys and values follow Kubernetes' label syntax. Default: none.
    public var labels: [String: String]
    /// Free-form notes for tools and people. Default: none.
    public var annotations: [String: String]

    /// Creates metadata.
    public init(name: String, labels: [String: String] = [:], annotations: [String: String] = [:]) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, labels, annotations }

    /// Decodes metadata; `name` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:]
    }

    /// Encodes metadata, leaving out empty labels and annotations.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeSortedIfNotEmpty(labels, forKey: .labels)
        try container.encodeSortedIfNotEmpty(annotations, forKey: .annotations)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let problem = NameRules.dnsLabelProblem(name) {
            problems.append(ValidationProblem(path: path.appending("name"), message: problem))
        }
        problems += LabelRules.problems(in: labels, at: path.appending("labels"))
        return problems
    }
}

extension ObjectMetadata: DecodingPlaceholder {
    static var decodingPlaceholder: ObjectMetadata { ObjectMetadata(name: "") }
}

/// Checks a label map.
enum LabelRules {
    static func problems(in labels: [String: String], at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            if let problem = NameRules.labelKeyProblem(key) {
                problems.append(.aboutKey(path.appending(key), problem))
            } else if let problem = NameRules.labelValueProblem(value) {
                problems.append(ValidationProblem(path: path.appending(key), message: problem))
            }
        }
        return problems
    }
}
