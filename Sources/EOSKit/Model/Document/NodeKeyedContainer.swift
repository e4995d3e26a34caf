/// The keyed container of `NodeDecoder`: a YAML mapping read by key.
struct NodeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let codingPath: [any CodingKey]
    let entries: [DocumentNode.Mapping.Entry]

    var allKeys: [Key] { entries.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { value(for: key) != nil }

    /// Records a problem for every key the model does not define, suggesting the nearest known one.
    func reportUnknownKeys() {
        var knownNames: [String]?
        for entry in entries where Key(stringValue: entry.key) == nil {
            if knownNames == nil { knownNames = Self.knownKeyNames() }
            var message = "unknown field \"\(entry.key)\""
            if let names = knownNames, let nearest = SpellingSuggestion.nearest(to: entry.key, in: names) {
                message += "; did you mean \"\(nearest)\"?"
                if !entries.contains(where: { $0.key == nearest }) {
                    decoder.session.noteMisspelling(of: DocumentPath(codingPath: codingPath).appending(nearest))
                }
            } else if let names = knownNames, !names.isEmpty {
                message += "; known fields: \(names.joined(separator: ", "))"
            }
            decoder.session.record(
                message, at: DocumentPath(codingPath: codingPath).appending(entry.key), location: entry.keyLocation)
        }
    }

    private static func knownKeyNames() -> [String] {
        guard let iterable = Key.self as? any CaseIterable.Type else { return [] }
        return names(of: iterable)
    }

    private static func names<K: CaseIterable>(of type: K.Type) -> [String] {
        K.allCases.compactMap { ($0 as? any CodingKey)?.stringValue }
    }

    private func entry(for key: Key) -> DocumentNode.Mapping.Entry? {
        let name = key.stringValue
        for entry in entries where entry.key == name { return entry }
        return nil
    }

    private func value(for key: Key) -> DocumentNode? { entry(for: key)?.value }

    /// The decoder for `key`'s value, which may be absent.
    private func child(_ key: Key) -> NodeDecoder {
        child(key, entry: entry(for: key))
    }

    private func child(_ key: Key, entry: DocumentNode.Mapping.Entry?) -> NodeDecoder {
        NodeDecoder(
            node: entry?.value, parentPath: codingPath, key: key, session: decoder.session,
            keyLocation: entry?.keyLocation, parentAnchor: decoder.anchor)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        value(for: key)?.isNull ?? true
    }

    // Scalars are read directly, skipping the generic `init(from:)` round trip: most fields of a document are
    // scalars, and this is where large documents spend their time.
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try NodeSingleValueContainer(decoder: child(key)).decode(String.self)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try NodeSingleValueContainer(decoder: child(key)).decode(Bool.self)
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try NodeSingleValueContainer(decoder: child(key)).decode(Int.self)
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try NodeSingleValueContainer(decoder: child(key)).decode(Double.self)
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let entry = entry(for: key), !entry.value.isNull else { return nil }
        return try NodeSingleValueContainer(decoder: child(key, entry: entry)).decode(String.self)
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let entry = entry(for: key), !entry.value.isNull else { return nil }
        return try NodeSingleValueContainer(decoder: child(key, entry: entry)).decode(Bool.self)
    }

    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let entry = entry(for: key), !entry.value.isNull else { return nil }
        return try NodeSingleValueContainer(decoder: child(key, entry: entry)).decode(Int.self)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.session.decode(T.self, with: child(key))
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let entry = entry(for: key), !entry.value.isNull else { return nil }
        return try? decoder.session.decode(T.self, with: child(key, entry: entry))
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }

    func superDecoder(forKey key: Key) throws -> any Decoder { child(key) }
}
