/// A peripheral a deployment profile needs or a device has: `gpu`, `display`, `camera`, `microphone`, `speaker`.
public struct MargoPeripheral: Sendable, Hashable, Codable {
    /// The kind of peripheral, kept as written.
    public var type: String
    /// The manufacturer, such as `NVIDIA`.
    public var manufacturer: String?
    /// The model.
    public var model: String?

    /// Creates a peripheral.
    public init(type: String, manufacturer: String? = nil, model: String? = nil) {
        self.type = type
        self.manufacturer = manufacturer
        self.model = model
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case type, manufacturer, model }

    /// Decodes a peripheral; `type` is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        manufacturer = try container.decodeIfPresent(String.self, forKey: .manufacturer)
        model = try container.decodeIfPresent(String.self, forKey: .model)
    }
}

extension MargoPeripheral: DecodingPlaceholder {
    static var decodingPlaceholder: MargoPeripheral { MargoPeripheral(type: "") }
}
