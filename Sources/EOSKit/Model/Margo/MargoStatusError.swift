/// Why a deployment or component failed, as a Margo status reports it.
public struct MargoStatusError: Sendable, Hashable, Codable {
    /// A machine-readable code, such as `ERR_IMAGE_PULL`.
    public var code: String?
    /// What went wrong, in words.
    public var message: String?
    /// Where the error came from (rc.3), such as the runtime.
    public var source: String?

    /// Creates an error.
    public init(code: String? = nil, message: String? = nil, source: String? = nil) {
        self.code = code
        self.message = message
        self.source = source
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case code, message, source }

    /// Decodes an error; every field is optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decodeIfPresent(String.self, forKey: .code)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        source = try container.decodeIfPresent(String.self, forKey: .source)
    }
}

extension MargoStatusError: DecodingPlaceholder {
    static var decodingPlaceholder: MargoStatusError { MargoStatusError() }
}
