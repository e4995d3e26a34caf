public import Foundation

/// A moment in time that encodes as RFC 3339 text (`2026-11-29T10:00:00.123Z`) with any encoder.
///
/// Status crosses tiers and languages; a `Date` would encode as a bare number under Foundation's defaults.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The moment.
    public var date: Date

    /// Wraps a date.
    public init(_ date: Date) { self.date = date }

    /// The current moment.
    public static var now: Timestamp { Timestamp(Date()) }

    /// Parses RFC 3339 text, with or without fractional seconds.
    public init?(rfc3339 text: String) {
        if let date = try? Date(text, strategy: Self.fractional) {
            self.date = date
        } else if let date = try? Date(text, strategy: Self.whole) {
            self.date = date
        } else {
            return nil
        }
    }

    /// `2026-11-29T10:00:00.123Z`.
    public var description: String { date.formatted(Self.fractional) }

    /// Orders by time.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.date < rhs.date }

    /// Decodes RFC 3339 text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let timestamp = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not an RFC 3339 time such as 2026-11-29T10:00:00Z")
        }
        self = timestamp
    }

    /// Encodes RFC 3339 text in UTC with milliseconds.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let whole = Date.ISO8601FormatStyle()
}
