/// Resources: what a deployment profile needs (`requiredResources`, `deviceConstraints.capacityRequirements`) or
/// what a v1alpha1 device reports (`properties.resources`).
///
/// Every field is optional and kept as written; EOS does not place Margo profiles by these yet.
public struct MargoResourceRequirements: Sendable, Hashable, Codable {
    /// CPU cores and architectures.
    public var cpu: MargoCPURequirement?
    /// Memory in binary units, such as `1024Mi`.
    public var memory: String?
    /// Storage in binary units, such as `10Gi`.
    public var storage: String?
    /// Peripherals.
    public var peripherals: [MargoPeripheral]
    /// Communication interfaces.
    public var interfaces: [MargoCommunicationInterface]

    /// Creates resources.
    public init(
        cpu: MargoCPURequirement? = nil, memory: String? = nil, storage: String? = nil,
        peripherals: [MargoPeripheral] = [], interfaces: [MargoCommunicationInterface] = []
    ) {
        self.cpu = cpu
        self.memory = memory
        self.storage = storage
        self.peripherals = peripherals
        self.interfaces = interfaces
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case cpu, memory, storage, peripherals, interfaces }

    /// Decodes resources; every field is optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cpu = try container.decodeIfPresent(MargoCPURequirement.self, forKey: .cpu)
        memory = try container.decodeIfPresent(String.self, forKey: .memory)
        storage = try container.decodeIfPresent(String.self, forKey: .storage)
        peripherals = try container.decodeIfPresent([MargoPeripheral].self, forKey: .peripherals) ?? []
        interfaces = try container.decodeIfPresent([MargoCommunicationInterface].self, forKey: .interfaces) ?? []
    }

    /// Encodes the fields that are set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(cpu, forKey: .cpu)
        try container.encodeIfPresent(memory, forKey: .memory)
        try container.encodeIfPresent(storage, forKey: .storage)
        try container.encodeIfNotEmpty(peripherals, forKey: .peripherals)
        try container.encodeIfNotEmpty(interfaces, forKey: .interfaces)
    }
}

extension MargoResourceRequirements: DecodingPlaceholder {
    static var decodingPlaceholder: MargoResourceRequirements { MargoResourceRequirements() }
}
