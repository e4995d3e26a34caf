/// A share of a set written as `25%`, between 0% and 100%.
public struct Percentage: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The percentage, 0 to 100.
    public let value: Double

    /// Creates a percentage, or `nil` outside 0...100.
    public init?(_ value: Double) {
        guard value.isFinite, (0...100).contains(value) else { return nil }
        self.value = value
    }

    /// Parses `25%` or `2.5%`; `nil` for anything else or a value outside 0–100%.
    public init?(parsing text: String) {
        guard text.hasSuffix("%"), let value = Double(text.dropLast()),
            !text.utf8.dropLast().contains(UInt8(ascii: " "))
        else {
            return nil
        }
        self.init(value)
    }

    /// The share of `total`, rounded up: 5% of 30 nodes is 2 nodes.
    public func of(_ total: Int) -> Int {
        Int((Double(total) * value / 100).rounded(.up))
    }

    /// The share of `total`, rounded down: how many may fail without reaching the threshold.
    public func floor(of total: Int) -> Int {
        Int((Double(total) * value / 100).rounded(.down))
    }

    /// `25%`.
    public var description: String {
        value.rounded() == value ? "\(Int(value))%" : "\(value)%"
    }

    /// Orders by value.
    public static func < (lhs: Percentage, rhs: Percentage) -> Bool { lhs.value < rhs.value }

    /// Decodes `"25%"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let percentage = Percentage(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: Self.problem(text))
        }
        self = percentage
    }

    /// Encodes `"25%"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func problem(_ text: String) -> String {
        if text.hasSuffix("%"), let value = Double(text.dropLast()) {
            return "\(value.rounded() == value ? String(Int(value)) : String(value))% is outside 0%–100%"
        }
        return "\"\(text)\" is not a percentage: write a number from 0 to 100 followed by %, such as 25%"
    }
}

extension Percentage: DecodingPlaceholder {
    // Lets a sequence of steps go on past a bad one, so every bad step is reported.
    static var decodingPlaceholder: Percentage { Percentage(0)! }
}
