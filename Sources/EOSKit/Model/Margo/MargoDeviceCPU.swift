/// One CPU a device reports (rc.3 `properties.cpus[]`).
public struct MargoDeviceCPU: Sendable, Hashable, Codable {
    /// Cores, in decimal units.
    public var cores: Double
    /// The architecture, such as `amd64`, `arm64` or `arm`; kept as written.
    public var architecture: String?

    /// Creates a CPU.
    public init(cores: Double, architecture: String? = nil) {
        self.cores = cores
        self.architecture = architecture
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case cores, architecture }

    /// Decodes a CPU; `cores` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cores = try container.decode(Double.self, forKey: .cores)
        architecture = try container.decodeIfPresent(String.self, forKey: .architecture)
    }
}

extension MargoDeviceCPU: DecodingPlaceholder {
    static var decodingPlaceholder: MargoDeviceCPU { MargoDeviceCPU(cores: 0) }
}
