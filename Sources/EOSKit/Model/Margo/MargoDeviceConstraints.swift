/// What a device must offer to run a deployment profile (rc.3 `deviceConstraints`): capacity and eligibility rules.
public struct MargoDeviceConstraints: Sendable, Hashable, Codable {
    /// The minimum CPU, memory and storage.
    public var capacityRequirements: MargoResourceRequirements?
    /// Rules over the device's reported properties and labels.
    public var eligibilityRules: [MargoEligibilityRule]

    /// Creates constraints.
    public init(capacityRequirements: MargoResourceRequirements? = nil, eligibilityRules: [MargoEligibilityRule] = []) {
        self.capacityRequirements = capacityRequirements
        self.eligibilityRules = eligibilityRules
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case capacityRequirements, eligibilityRules }

    /// Decodes constraints; both fields are optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        capacityRequirements = try container.decodeIfPresent(
            MargoResourceRequirements.self, forKey: .capacityRequirements)
        eligibilityRules = try container.decodeIfPresent([MargoEligibilityRule].self, forKey: .eligibilityRules) ?? []
    }

    /// Encodes the fields that are set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(capacityRequirements, forKey: .capacityRequirements)
        try container.encodeIfNotEmpty(eligibilityRules, forKey: .eligibilityRules)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        eligibilityRules.enumerated().flatMap { index, rule in
            rule.validationProblems(at: path.appending("eligibilityRules").appending(index))
        }
    }
}

extension MargoDeviceConstraints: DecodingPlaceholder {
    static var decodingPlaceholder: MargoDeviceConstraints { MargoDeviceConstraints() }
}
