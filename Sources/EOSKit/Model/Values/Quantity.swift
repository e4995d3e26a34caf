/// An amount of a resource in Kubernetes quantity syntax: `500m` or `0.5` CPUs, `256Mi` or `1G` bytes.
///
/// The text is kept exactly as written so documents round-trip unchanged; `value` is the amount in base units
/// (cores for CPU, bytes for memory).
public struct Quantity: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The quantity as written.
    public let text: String
    /// The amount in base units.
    public let value: Double

    /// Parses `text`, or returns `nil` when it is not a quantity.
    public init?(_ text: String) {
        guard let value = Self.parse(text) else { return nil }
        self.text = text
        self.value = value
    }

    /// The amount in thousandths of a base unit, rounded up, as CPU shares are counted.
    public var milliValue: Int64 {
        let millis = (value * 1000).rounded(.up)
        return millis >= Double(Int64.max) ? .max : Int64(millis)
    }

    /// The text as written.
    public var description: String { text }

    /// Decodes a quantity from a string (`"500m"`) or a plain number (`0.5`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Text first: the document decoder reads a plain 0.5 as "0.5"; JSONDecoder needs the number fallback.
        let text = try (try? container.decode(String.self)) ?? Self.text(of: container.decode(Double.self))
        guard let value = Self.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "\"\(text)\" is not a quantity: write a number with an optional suffix, "
                    + "such as 500m, 0.5, 256Mi or 1G")
        }
        self.text = text
        self.value = value
    }

    private static func text(of number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    /// Encodes the text as written.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    private static let binarySuffixes: [String: Double] = [
        "Ki": 1024, "Mi": 1_048_576, "Gi": 1_073_741_824, "Ti": 1_099_511_627_776,
        "Pi": 1_125_899_906_842_624, "Ei": 1_152_921_504_606_846_976,
    ]
    private static let decimalSuffixes: [String: Double] = [
        "n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    ]

    /// Kubernetes' grammar: an unsigned decimal number, then a binary or decimal suffix or an exponent.
    static func parse(_ text: String) -> Double? {
        var digits = Substring(text)
        if digits.first == "+" { digits = digits.dropFirst() }
        let numberEnd =
            digits.firstIndex { !(NameRules.isDigit($0.asciiValue ?? 0) || $0 == ".") } ?? digits.endIndex
        let number = digits[..<numberEnd]
        let suffix = String(digits[numberEnd...])
        guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1,
            let magnitude = Double(number)
        else { return nil }
        if let multiplier = binarySuffixes[suffix] ?? decimalSuffixes[suffix] { return magnitude * multiplier }
        if let first = suffix.first, first == "e" || first == "E", let exponent = Int(suffix.dropFirst()),
            abs(exponent) <= 18
        {
            var result = magnitude
            for _ in 0..<abs(exponent) { result = exponent > 0 ? result * 10 : result / 10 }
            return result
        }
        return nil
    }
}
