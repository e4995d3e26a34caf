/// A closed set of words a document may use for a field, such as `Always | OnFailure | Never`.
///
/// Decoding an unknown word fails with a message that lists the allowed words and suggests the nearest one.
public protocol DocumentEnum: RawRepresentable, CaseIterable, Codable, Sendable, Hashable
where RawValue == String {}

extension DocumentEnum {
    /// Decodes one of the allowed words, or fails naming them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let word = try container.decode(String.self)
        guard let value = Self(rawValue: word) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: Self.unknownWordMessage(word))
        }
        self = value
    }

    /// Encodes the word.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// `unknown value "Sometimes"; expected one of Always, OnFailure, Never`, with a suggestion when one is close.
    static func unknownWordMessage(_ word: String) -> String {
        let words = allCases.map(\.rawValue)
        var message = "unknown value \"\(word)\"; expected one of \(words.joined(separator: ", "))"
        if let nearest = SpellingSuggestion.nearest(to: word, in: words) {
            message += " (did you mean \"\(nearest)\"?)"
        }
        return message
    }
}

extension DocumentEnum {
    static var decodingPlaceholder: Self { allCases.first! }
}
