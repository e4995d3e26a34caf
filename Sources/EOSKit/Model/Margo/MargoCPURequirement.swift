/// The CPU a deployment profile needs, or a v1alpha1 device reports: cores and architectures.
public struct MargoCPURequirement: Sendable, Hashable, Codable {
    /// Cores, in decimal units (`0.5` is half a core).
    public var cores: Double
    /// Architectures such as `amd64`, `arm64`, `arm`; kept as written (older documents use `x86_64`).
    public var architectures: [String]

    /// Creates a CPU requirement.
    public init(cores: Double, architectures: [String] = []) {
        self.cores = cores
        self.architectures = architectures
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case cores, architectures }

    /// Decodes a CPU requirement; `cores` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cores = try container.decode(Double.self, forKey: .cores)
        architectures = try container.decodeIfPresent([String].self, forKey: .architectures) ?? []
    }

    /// Encodes the requirement, leaving out an empty architecture list.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cores, forKey: .cores)
        try container.encodeIfNotEmpty(architectures, forKey: .architectures)
    }
}

extension MargoCPURequirement: DecodingPlaceholder {
    static var decodingPlaceholder: MargoCPURequirement { MargoCPURequirement(cores: 0) }
}
