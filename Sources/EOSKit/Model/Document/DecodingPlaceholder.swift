/// A type the document decoder can stand in for when a value is missing or malformed.
///
/// When one field of a document is wrong, decoding goes on with a placeholder in its place so that every other
/// problem in the document is found in the same pass. The placeholder never escapes: a document with any problem
/// is rejected as a whole.
protocol DecodingPlaceholder {
    static var decodingPlaceholder: Self { get }
}

extension String: DecodingPlaceholder { static var decodingPlaceholder: String { "" } }
extension Int: DecodingPlaceholder { static var decodingPlaceholder: Int { 0 } }
extension Int64: DecodingPlaceholder { static var decodingPlaceholder: Int64 { 0 } }
extension UInt64: DecodingPlaceholder { static var decodingPlaceholder: UInt64 { 0 } }
extension Double: DecodingPlaceholder { static var decodingPlaceholder: Double { 0 } }
extension Bool: DecodingPlaceholder { static var decodingPlaceholder: Bool { false } }
extension Array: DecodingPlaceholder { static var decodingPlaceholder: [Element] { [] } }
extension Dictionary: DecodingPlaceholder { static var decodingPlaceholder: [Key: Value] { [:] } }
extension Optional: DecodingPlaceholder { static var decodingPlaceholder: Wrapped? { nil } }
