/// A number of nodes given either as a count (`2`) or as a share of the targeted nodes (`"10%"`).
public enum CountOrPercentage: Sendable, Hashable, Codable, CustomStringConvertible {
    /// An absolute number of nodes.
    case count(Int)
    /// A share of the nodes in scope.
    case percentage(Percentage)

    /// The number of nodes out of `total`; percentages round up, so a non-zero share is never zero nodes.
    public func resolve(against total: Int) -> Int {
        switch self {
        case .count(let count): return min(count, total)
        case .percentage(let percentage): return min(percentage.of(total), total)
        }
    }

    /// `2` or `10%`.
    public var description: String {
        switch self {
        case .count(let count): return String(count)
        case .percentage(let percentage): return percentage.description
        }
    }

    /// Decodes an integer or a `"N%"` string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Text first: the document decoder reads a plain 2 as "2"; JSONDecoder needs the integer fallback.
        let text = try (try? container.decode(String.self)) ?? String(container.decode(Int.self))
        if let count = Int(text) {
            guard count >= 0 else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(count) must not be negative")
            }
            self = .count(count)
        } else if let percentage = Percentage(parsing: text) {
            self = .percentage(percentage)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: text.hasSuffix("%")
                    ? Percentage.problem(text)
                    : "\"\(text)\" is neither a count nor a percentage: write a whole number such as 2, or a share such as 10%")
        }
    }

    /// Encodes a count as an integer and a percentage as `"N%"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .count(let count): try container.encode(count)
        case .percentage(let percentage): try container.encode(percentage)
        }
    }
}
