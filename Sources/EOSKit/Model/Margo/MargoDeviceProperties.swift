/// What a device reports about itself: identity, and what it can host.
///
/// Holds both shapes Margo has used: v1alpha1 (`roles`, `resources`) and rc.3 (`cpus`, `memory`, `storage`,
/// `peripherals`, `interfaces`, `otelCollector`, `supportedRuntimes`, `supportedDeploymentTypes`). A device that
/// hosts no workloads, such as a see-through gateway, reports only its identity.
public struct MargoDeviceProperties: Sendable, Hashable, Codable {
    /// The device id: `{id}[/{id}…]`.
    public var id: String?
    /// The device's vendor. Required.
    public var vendor: String
    /// The model number.
    public var modelNumber: String?
    /// The serial number.
    public var serialNumber: String?
    /// The roles the device plays (v1alpha1).
    public var roles: [MargoDeviceRole]
    /// CPU, memory, storage, peripherals and interfaces (v1alpha1).
    public var resources: MargoResourceRequirements?
    /// The CPUs (rc.3).
    public var cpus: [MargoDeviceCPU]
    /// Memory in binary units (rc.3).
    public var memory: String?
    /// Storage in binary units (rc.3).
    public var storage: String?
    /// Peripherals (rc.3).
    public var peripherals: [MargoPeripheral]
    /// Communication interfaces (rc.3).
    public var interfaces: [MargoCommunicationInterface]
    /// Whether the device runs an OpenTelemetry collector (rc.3).
    public var otelCollector: Bool?
    /// The runtimes the device offers, such as `oci` (rc.3).
    public var supportedRuntimes: [String]
    /// The deployment profile types the device runs: `helm`, `compose`, `custom` (rc.3).
    public var supportedDeploymentTypes: [String]

    /// Creates properties.
    public init(
        id: String? = nil, vendor: String, modelNumber: String? = nil, serialNumber: String? = nil,
        roles: [MargoDeviceRole] = [], resources: MargoResourceRequirements? = nil, cpus: [MargoDeviceCPU] = [],
        memory: String? = nil, storage: String? = nil, peripherals: [MargoPeripheral] = [],
        interfaces: [MargoCommunicationInterface] = [], otelCollector: Bool? = nil, supportedRuntimes: [String] = [],
        supportedDeploymentTypes: [String] = []
    ) {
        self.id = id
        self.vendor = vendor
        self.modelNumber = modelNumber
        self.serialNumber = serialNumber
        self.roles = roles
        self.resources = resources
        self.cpus = cpus
        self.memory = memory
        self.storage = storage
        self.peripherals = peripherals
        self.interfaces = interfaces
        self.otelCollector = otelCollector
        self.supportedRuntimes = supportedRuntimes
        self.supportedDeploymentTypes = supportedDeploymentTypes
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, vendor, modelNumber, serialNumber, roles, resources, cpus, memory, storage, peripherals, interfaces
        case otelCollector, supportedRuntimes, supportedDeploymentTypes
    }

    /// Decodes properties; `vendor` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        vendor = try container.decode(String.self, forKey: .vendor)
        modelNumber = try container.decodeIfPresent(String.self, forKey: .modelNumber)
        serialNumber = try container.decodeIfPresent(String.self, forKey: .serialNumber)
        roles = try container.decodeIfPresent([MargoDeviceRole].self, forKey: .roles) ?? []
        resources = try container.decodeIfPresent(MargoResourceRequirements.self, forKey: .resources)
        cpus = try container.decodeIfPresent([MargoDeviceCPU].self, forKey: .cpus) ?? []
        memory = try container.decodeIfPresent(String.self, forKey: .memory)
        storage = try container.decodeIfPresent(String.self, forKey: .storage)
        peripherals = try container.decodeIfPresent([MargoPeripheral].self, forKey: .peripherals) ?? []
        interfaces = try container.decodeIfPresent([MargoCommunicationInterface].self, forKey: .interfaces) ?? []
        otelCollector = try container.decodeIfPresent(Bool.self, forKey: .otelCollector)
        supportedRuntimes = try container.decodeIfPresent([String].self, forKey: .supportedRuntimes) ?? []
        supportedDeploymentTypes = try container.decodeIfPresent([String].self, forKey: .supportedDeploymentTypes) ?? []
    }

    /// Encodes the fields that are set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(vendor, forKey: .vendor)
        try container.encodeIfPresent(modelNumber, forKey: .modelNumber)
        try container.encodeIfPresent(serialNumber, forKey: .serialNumber)
        try container.encodeIfNotEmpty(roles, forKey: .roles)
        try container.encodeIfPresent(resources, forKey: .resources)
        try container.encodeIfNotEmpty(cpus, forKey: .cpus)
        try container.encodeIfPresent(memory, forKey: .memory)
        try container.encodeIfPresent(storage, forKey: .storage)
        try container.encodeIfNotEmpty(peripherals, forKey: .peripherals)
        try container.encodeIfNotEmpty(interfaces, forKey: .interfaces)
        try container.encodeIfPresent(otelCollector, forKey: .otelCollector)
        try container.encodeIfNotEmpty(supportedRuntimes, forKey: .supportedRuntimes)
        try container.encodeIfNotEmpty(supportedDeploymentTypes, forKey: .supportedDeploymentTypes)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let id, let problem = MargoRules.deviceIDProblem(id) {
            problems.append(ValidationProblem(path: path.appending("id"), message: problem))
        }
        return problems
    }
}

extension MargoDeviceProperties: DecodingPlaceholder {
    static var decodingPlaceholder: MargoDeviceProperties { MargoDeviceProperties(vendor: "") }
}
