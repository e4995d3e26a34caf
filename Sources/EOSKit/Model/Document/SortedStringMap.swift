/// Encodes a text-to-text mapping with its keys in sorted order, so encoded documents are byte-for-byte stable.
///
/// A `Dictionary` encodes in hash order, which changes from one process to the next.
struct SortedStringMap: Encodable {
    let values: [String: String]

    init(_ values: [String: String]) { self.values = values }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: MapKey.self)
        for key in values.keys.sorted() {
            try container.encode(values[key]!, forKey: MapKey(key))
        }
    }
}

extension KeyedEncodingContainer {
    /// Encodes a text-to-text mapping in sorted key order, leaving it out when empty.
    mutating func encodeSorted(_ values: [String: String], forKey key: Key) throws {
        if !values.isEmpty { try encode(SortedStringMap(values), forKey: key) }
    }
}
