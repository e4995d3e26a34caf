/// One condition of a label selector: `{key: gpu, operator: Exists}` or `{key: tier, operator: In, values: [a, b]}`.
public struct LabelSelectorRequirement: Sendable, Hashable, Codable {
    /// How a requirement compares a label.
    public enum Operator: String, DocumentEnum {
        /// The label is present with one of `values`.
        case `in` = "In"
        /// The label is absent, or present with none of `values`.
        case notIn = "NotIn"
        /// The label is present, with any value.
        case exists = "Exists"
        /// The label is absent.
        case doesNotExist = "DoesNotExist"
    }

    /// The label key.
    public var key: String
    /// The comparison.
    public var `operator`: Operator
    /// The values for `In` and `NotIn`; must be empty for `Exists` and `DoesNotExist`.
    public var values: [String]

    /// Creates a requirement.
    public init(key: String, operator: Operator, values: [String] = []) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    /// Whether a set of labels satisfies this requirement.
    public func matches(_ labels: [String: String]) -> Bool {
        switch `operator` {
        case .in: return labels[key].map(values.contains) ?? false
        case .notIn: return labels[key].map { !values.contains($0) } ?? true
        case .exists: return labels[key] != nil
        case .doesNotExist: return labels[key] == nil
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case key, `operator`, values }

    /// Decodes a requirement; `key` and `operator` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        `operator` = try container.decode(Operator.self, forKey: .operator)
        values = try container.decodeIfPresent([String].self, forKey: .values) ?? []
    }

    /// Encodes the requirement, leaving out empty values.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(`operator`, forKey: .operator)
        if !values.isEmpty { try container.encode(values, forKey: .values) }
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let problem = NameRules.labelKeyProblem(key) {
            problems.append(ValidationProblem(path: path.appending("key"), message: problem))
        }
        switch `operator` {
        case .in, .notIn:
            if values.isEmpty {
                problems.append(
                    ValidationProblem(
                        path: path.appending("values"), message: "required: \(`operator`.rawValue) needs at least one value"))
            }
            for (index, value) in values.enumerated() {
                if let problem = NameRules.labelValueProblem(value) {
                    problems.append(ValidationProblem(path: path.appending("values").appending(index), message: problem))
                }
            }
        case .exists, .doesNotExist:
            if !values.isEmpty {
                problems.append(
                    ValidationProblem(
                        path: path.appending("values"), message: "must be empty for operator \(`operator`.rawValue)"))
            }
        }
        return problems
    }
}

extension LabelSelectorRequirement: DecodingPlaceholder {
    static var decodingPlaceholder: LabelSelectorRequirement { .init(key: "", operator: .exists) }
}
