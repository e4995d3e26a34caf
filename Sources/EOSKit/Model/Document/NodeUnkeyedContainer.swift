/// The unkeyed container of `NodeDecoder`: a YAML sequence read in order.
struct NodeUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let codingPath: [any CodingKey]
    let elements: [DocumentNode]
    private(set) var currentIndex = 0

    init(decoder: NodeDecoder, codingPath: [any CodingKey], elements: [DocumentNode]) {
        self.decoder = decoder
        self.codingPath = codingPath
        self.elements = elements
    }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private func checkNotAtEnd() throws {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Any.self,
                DecodingError.Context(
                    codingPath: codingPath + [IndexKey(currentIndex)], debugDescription: "sequence has ended"))
        }
    }

    mutating func decodeNil() throws -> Bool {
        try checkNotAtEnd()
        if elements[currentIndex].isNull {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try checkNotAtEnd()
        defer { currentIndex += 1 }
        return try decoder.session.decode(T.self, with: element())
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try checkNotAtEnd()
        defer { currentIndex += 1 }
        return try element().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try checkNotAtEnd()
        defer { currentIndex += 1 }
        return try element().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        try checkNotAtEnd()
        defer { currentIndex += 1 }
        return element()
    }

    private func element() -> NodeDecoder {
        NodeDecoder(
            node: elements[currentIndex], parentPath: codingPath, key: IndexKey(currentIndex),
            session: decoder.session, parentAnchor: decoder.anchor)
    }
}
