/// A length of time written as `90s`, `5m`, `1h30m`, `500ms` or `8m30s`, or as a plain number of seconds.
///
/// The text is kept as written so documents round-trip unchanged.
public struct DurationValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The duration as written.
    public let text: String
    /// The length of time.
    public let duration: Duration

    /// Parses `text`, or returns `nil` when it is not a duration.
    public init?(_ text: String) {
        guard let duration = Self.parse(text) else { return nil }
        self.text = text
        self.duration = duration
    }

    /// A duration of whole seconds, written as `Ns`.
    public init(seconds: Int) {
        self.text = "\(seconds)s"
        self.duration = .seconds(seconds)
    }

    /// The duration in seconds.
    public var seconds: Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// The text as written.
    public var description: String { text }

    /// Decodes `"90s"`, `"1h30m"` or a number of seconds.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try (try? container.decode(String.self)) ?? String(container.decode(Int.self))
        guard let duration = Self.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "\"\(text)\" is not a duration: write a number with a unit (ms, s, m, h), "
                    + "such as 500ms, 30s, 5m or 1h30m")
        }
        self.text = text
        self.duration = duration
    }

    /// Encodes the text as written.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    private static let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]

    /// Go's duration grammar without sign: one or more `<number><unit>` parts; a bare number means seconds.
    static func parse(_ text: String) -> Duration? {
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let numberEnd = rest.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? rest.endIndex
            guard let number = Double(rest[..<numberEnd]), numberEnd != rest.endIndex else { return nil }
            rest = rest[numberEnd...]
            guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += number * scale
        }
        guard total.isFinite, total < 1e12 else { return nil }
        return .milliseconds(Int64((total * 1000).rounded()))
    }
}
