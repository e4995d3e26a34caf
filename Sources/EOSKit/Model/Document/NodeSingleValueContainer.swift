/// The single-value container of `NodeDecoder`: one YAML scalar typed on demand.
///
/// Strings accept any non-null scalar except `true` and `false`, keeping the text exactly as written (so
/// `version: 1.10` stays `"1.10"`). Numbers and booleans must be plain scalars: a quoted `"10"` is text, not ten.
struct NodeSingleValueContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool {
        decoder.node?.isNull ?? true
    }

    /// The scalar, or a recorded problem naming what was found instead.
    private func scalar(expected: String) -> DocumentNode.Scalar? {
        switch decoder.node {
        case .scalar(let scalar)?:
            if DocumentNode.scalar(scalar).isNull {
                decoder.session.record("required", at: decoder.path, location: decoder.location)
                return nil
            }
            return scalar
        case nil:
            decoder.session.record("required", at: decoder.path, location: decoder.location)
            return nil
        case let other?:
            decoder.session.record(
                "expected \(expected), found \(ScalarKind.describe(other))", at: decoder.path,
                location: decoder.location)
            return nil
        }
    }

    private func mismatch(_ expected: String, _ scalar: DocumentNode.Scalar) {
        decoder.session.record(
            "expected \(expected), found \(ScalarKind.describe(.scalar(scalar)))", at: decoder.path,
            location: decoder.location)
    }

    func decode(_ type: String.Type) throws -> String {
        guard let scalar = scalar(expected: "a string") else { return "" }
        if case .bool = ScalarKind(scalar) {
            decoder.session.record(
                "expected a string, found a boolean; quote it (\"\(scalar.string)\") if text is meant",
                at: decoder.path, location: decoder.location)
            return ""
        }
        return scalar.string
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let scalar = scalar(expected: "a boolean (true or false)") else { return false }
        if case .bool(let value) = ScalarKind(scalar) { return value }
        if scalar.isPlain {
            switch scalar.string {
            case "yes", "Yes", "YES", "on", "On", "ON": return true
            case "no", "No", "NO", "off", "Off", "OFF": return false
            default: break
            }
        }
        mismatch("a boolean (true or false)", scalar)
        return false
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard let scalar = scalar(expected: "a number") else { return 0 }
        switch ScalarKind(scalar) {
        case .int(let value): return Double(value)
        case .float(let value): return value
        default:
            mismatch("a number", scalar)
            return 0
        }
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    private func integer<I: FixedWidthInteger>(_ type: I.Type) -> I {
        guard let scalar = scalar(expected: "an integer") else { return 0 }
        // The text itself first: through Int or Double, digits past 2^53 and values above Int.max are lost.
        if scalar.isPlain, let exact = I(scalar.string) { return exact }
        switch ScalarKind(scalar) {
        case .int(let value):
            if let exact = I(exactly: value) { return exact }
            decoder.session.record(
                "\(value) is out of range (\(I.min)...\(I.max))", at: decoder.path, location: decoder.location)
        case .float(let value) where value.rounded() == value && value.isFinite:
            if let exact = I(exactly: value) { return exact }
            decoder.session.record(
                "\(scalar.string) is out of range (\(I.min)...\(I.max))", at: decoder.path, location: decoder.location)
        default:
            if I.self == UInt64.self, scalar.isPlain, let big = UInt64(scalar.string) { return I(big) }
            mismatch("an integer", scalar)
        }
        return 0
    }

    func decode(_ type: Int.Type) throws -> Int { integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { integer(UInt64.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.session.decode(
            T.self,
            with: NodeDecoder(
                node: decoder.node, parentPath: codingPath, key: nil, session: decoder.session,
                keyLocation: decoder.keyLocation, parentAnchor: decoder.parentAnchor))
    }
}
