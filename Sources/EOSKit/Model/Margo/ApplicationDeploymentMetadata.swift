/// The identity and placement of a Margo application deployment: name, namespace, target device, labels.
public struct ApplicationDeploymentMetadata: Sendable, Hashable, Codable {
    /// The deployment's name.
    public var name: String
    /// The namespace the application is installed in.
    public var namespace: String?
    /// The device the deployment is for (rc.3): `edge-01`, or `gateway-01/edge-01` through a gateway, or
    /// `gateway-01/*` for every device behind one.
    public var deviceId: String?
    /// Labels.
    public var labels: [String: String]
    /// Annotations other than the ids the older shape keeps here (those are ``ApplicationDeployment/id`` and
    /// ``ApplicationDeployment/applicationId``).
    public var annotations: [String: String]

    /// Creates metadata.
    public init(
        name: String, namespace: String? = nil, deviceId: String? = nil, labels: [String: String] = [:],
        annotations: [String: String] = [:]
    ) {
        self.name = name
        self.namespace = namespace
        self.deviceId = deviceId
        self.labels = labels
        self.annotations = annotations
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case annotations, name, namespace, deviceId, labels }

    /// Decodes metadata; `name` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:]
        name = try container.decode(String.self, forKey: .name)
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        deviceId = try container.decodeIfPresent(String.self, forKey: .deviceId)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }

    /// Encodes the fields that are set, maps in sorted order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeSortedIfNotEmpty(annotations, forKey: .annotations)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(namespace, forKey: .namespace)
        try container.encodeIfPresent(deviceId, forKey: .deviceId)
        try container.encodeSortedIfNotEmpty(labels, forKey: .labels)
    }
}

extension ApplicationDeploymentMetadata: DecodingPlaceholder {
    static var decodingPlaceholder: ApplicationDeploymentMetadata { ApplicationDeploymentMetadata(name: "") }
}
