/// A rule a device must meet to run a deployment profile, over its reported properties and labels.
public struct MargoEligibilityRule: Sendable, Hashable, Codable {
    /// Matched against the properties in the device's capabilities.
    public var propertySelector: MargoSelector?
    /// Matched against the labels in the device's capabilities.
    public var labelSelector: MargoSelector?

    /// Creates a rule.
    public init(propertySelector: MargoSelector? = nil, labelSelector: MargoSelector? = nil) {
        self.propertySelector = propertySelector
        self.labelSelector = labelSelector
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case propertySelector, labelSelector }

    /// Decodes a rule; both selectors are optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        propertySelector = try container.decodeIfPresent(MargoSelector.self, forKey: .propertySelector)
        labelSelector = try container.decodeIfPresent(MargoSelector.self, forKey: .labelSelector)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        (propertySelector?.validationProblems(at: path.appending("propertySelector")) ?? [])
            + (labelSelector?.validationProblems(at: path.appending("labelSelector")) ?? [])
    }
}

extension MargoEligibilityRule: DecodingPlaceholder {
    static var decodingPlaceholder: MargoEligibilityRule { MargoEligibilityRule() }
}
