/// One package a deployment profile installs: a Helm chart or a Compose file, with its free-form properties.
///
/// Properties are kept as written: `repository`, `revision`, `wait`, `timeout`, and older keys such as
/// `packageLocation` and `keyLocation`.
public struct MargoComponent: Sendable, Hashable, Codable {
    /// The component's name, unique within its profile; parameter targets refer to it.
    public var name: String
    /// The component's deployment details, such as `repository: oci://…` and `revision: 1.0.9`.
    public var properties: [String: MargoValue]

    /// Creates a component.
    public init(name: String, properties: [String: MargoValue] = [:]) {
        self.name = name
        self.properties = properties
    }

    /// The OCI repository (`oci://…`), when given as text.
    public var repository: String? { properties["repository"]?.text }

    /// The package version (`revision`), when given.
    public var revision: String? { properties["revision"]?.text }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, properties }

    /// Decodes a component; `name` and `properties` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        properties = try container.decode([String: MargoValue].self, forKey: .properties)
    }

    /// Encodes the component with its properties in sorted order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeSorted(properties, forKey: .properties)
    }

    /// Problems with the component names of a profile: each required, none repeated.
    static func nameProblems(in components: [MargoComponent], at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if components.isEmpty {
            problems.append(ValidationProblem(path: path, message: "required: list at least one component"))
        }
        for (index, component) in components.enumerated() where component.name.isEmpty {
            problems.append(ValidationProblem(path: path.appending(index).appending("name"), message: "required"))
        }
        problems += MargoRules.duplicates(
            components.map(\.name), noun: "component name", at: { path.appending($0).appending("name") },
            describing: { "\(path.appending($0))" })
        return problems
    }
}

extension MargoComponent: DecodingPlaceholder {
    static var decodingPlaceholder: MargoComponent { MargoComponent(name: "") }
}
