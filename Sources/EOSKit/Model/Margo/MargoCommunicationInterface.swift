/// A communication interface a deployment profile needs or a device has: `ethernet`, `wifi`, `bluetooth`, …
public struct MargoCommunicationInterface: Sendable, Hashable, Codable {
    /// The kind of interface, kept as written.
    public var type: String

    /// Creates an interface.
    public init(type: String) { self.type = type }

    enum CodingKeys: String, CodingKey, CaseIterable { case type }

    /// Decodes an interface; `type` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
    }
}

extension MargoCommunicationInterface: DecodingPlaceholder {
    static var decodingPlaceholder: MargoCommunicationInterface { MargoCommunicationInterface(type: "") }
}
