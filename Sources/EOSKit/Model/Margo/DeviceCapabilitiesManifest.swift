/// A Margo device capabilities report: who the device is and what it can host.
///
/// Reads the v1alpha1 shape (`apiVersion`, `kind: DeviceCapabilitiesManifest`, `properties.roles`,
/// `properties.resources`) and the rc.3 shape (only `properties` and `labels`); encoding writes back the fields
/// that are set. `properties.vendor` is required in both.
public struct DeviceCapabilitiesManifest: EOSDocument {
    /// The API version as written (older shape).
    public var apiVersion: String?
    /// `DeviceCapabilitiesManifest` or `DeviceCapabilities` when given (older shape).
    public var kind: String?
    /// The device's identity and capabilities.
    public var properties: MargoDeviceProperties
    /// Supplier-defined labels that deployment eligibility rules can select on (rc.3).
    public var labels: [String: MargoValue]

    /// Creates a capabilities report in the rc.3 shape.
    public init(properties: MargoDeviceProperties, labels: [String: MargoValue] = [:]) {
        self.properties = properties
        self.labels = labels
    }

    /// `DeviceCapabilities`.
    public static var documentKind: DocumentKind { .deviceCapabilities }

    /// The device id, or the vendor when the report names no id.
    public var documentName: String { properties.id ?? properties.vendor }

    enum CodingKeys: String, CodingKey, CaseIterable { case apiVersion, kind, properties, labels }

    /// Decodes a report; `properties` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        properties = try container.decode(MargoDeviceProperties.self, forKey: .properties)
        labels = try container.decodeIfPresent([String: MargoValue].self, forKey: .labels) ?? [:]
    }

    /// Encodes the fields that are set, labels in sorted order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(apiVersion, forKey: .apiVersion)
        try container.encodeIfPresent(kind, forKey: .kind)
        try container.encode(properties, forKey: .properties)
        try container.encodeSortedIfNotEmpty(labels, forKey: .labels)
    }

    /// The spellings of `kind` a capabilities report may use.
    static let kindNames = ["DeviceCapabilitiesManifest", "DeviceCapabilities"]

    /// Every rule the report breaks.
    public func validationProblems() -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let kind, !Self.kindNames.contains(kind) {
            problems.append(
                ValidationProblem(path: ["kind"], message: "expected DeviceCapabilitiesManifest, found \"\(kind)\""))
        }
        problems += properties.validationProblems(at: ["properties"])
        for key in labels.keys.sorted() {
            if key.isEmpty {
                problems.append(ValidationProblem(path: ["labels"], message: "label keys must not be empty"))
            }
            if case .list(let values)? = labels[key], values.contains(where: { $0.listValue != nil }) {
                problems.append(
                    ValidationProblem(
                        path: ["labels", .key(key)], message: "a label value is a scalar or a list of scalars"))
            }
        }
        return problems
    }
}

extension DeviceCapabilitiesManifest: DecodingPlaceholder {
    static var decodingPlaceholder: DeviceCapabilitiesManifest {
        DeviceCapabilitiesManifest(properties: .decodingPlaceholder)
    }
}
