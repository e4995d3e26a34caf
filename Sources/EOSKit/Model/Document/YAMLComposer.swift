internal import CYaml

/// Builds ``DocumentNode`` trees from libyaml's event stream, one document at a time.
///
/// Composing here rather than through a general YAML library keeps large streams fast and lets every structural
/// mistake become a located problem: a repeated key is reported at its second occurrence with its path and the
/// first value kept; a syntax error is reported with the path being read when it occurred.
final class YAMLComposer {
    /// The deepest nesting accepted; deeper input is refused rather than risking the stack.
    static let maximumDepth = 256

    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private var finished = false
    private var index = 0
    private var anchors: [String: DocumentNode] = [:]
    private var path: [DocumentPath.Component] = []
    private var problems: [ValidationProblem] = []
    /// Lines before the text, when it is a part of a larger stream, so locations point into the whole stream.
    private let lineOffset: Int

    /// Thrown inside composition when libyaml reports an error or the nesting limit is hit.
    private struct Stop: Error { let problem: ValidationProblem }

    /// Prepares to compose `text`, whose first line is line `firstLine` of the stream it came from.
    init(_ text: Substring, firstLine: Int = 1) {
        let count = text.utf8.count
        input = .allocate(capacity: max(count, 1))
        _ = input.initialize(from: text.utf8)
        lineOffset = firstLine - 1
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input.baseAddress, count)
    }


    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next non-empty document, or `nil` at the end of the stream. After a syntax error the stream ends.
    func next() -> ParsedDocument? {
        while !finished {
            do {
                let event = try nextEvent()
                defer { event.delete() }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    finished = true
                case YAML_DOCUMENT_START_EVENT:
                    anchors = [:]
                    problems = []
                    path = []
                    let root = try composeNode(try nextEvent(), depth: 0)
                    let end = try nextEvent()
                    end.delete()
                    if root.isNull, problems.isEmpty { continue }
                    defer { index += 1 }
                    return ParsedDocument(
                        index: index, root: root, location: root.location, problems: problems)
                default:
                    continue
                }
            } catch let stop as Stop {
                finished = true
                defer { index += 1 }
                return ParsedDocument(
                    index: index, root: nil, location: stop.problem.location ?? SourceLocation(line: 1, column: 1),
                    problems: problems + [stop.problem])
            } catch {
                finished = true
            }
        }
        return nil
    }

    // MARK: - Composition

    private func composeNode(_ event: Event, depth: Int) throws -> DocumentNode {
        defer { event.delete() }
        guard depth < Self.maximumDepth else {
            throw Stop(
                problem: ValidationProblem(
                    path: DocumentPath(path), message: "nested deeper than \(Self.maximumDepth) levels",
                    location: event.location))
        }
        let node: DocumentNode
        let anchor: String?
        switch event.type {
        case YAML_SCALAR_EVENT:
            let data = event.raw.data.scalar
            anchor = Self.string(data.anchor)
            let text = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
            let tag = Self.string(data.tag)
            let isPlain = data.style == YAML_PLAIN_SCALAR_STYLE && (tag == nil || tag != "tag:yaml.org,2002:str")
            node = .scalar(DocumentNode.Scalar(string: text, isPlain: isPlain, location: event.location))
        case YAML_SEQUENCE_START_EVENT:
            anchor = Self.string(event.raw.data.sequence_start.anchor)
            var elements: [DocumentNode] = []
            elements.reserveCapacity(4)
            while true {
                let next = try nextEvent()
                if next.type == YAML_SEQUENCE_END_EVENT {
                    next.delete()
                    break
                }
                path.append(.index(elements.count))
                elements.append(try composeNode(next, depth: depth + 1))
                path.removeLast()
            }
            node = .sequence(DocumentNode.Sequence(elements: elements, location: event.location))
        case YAML_MAPPING_START_EVENT:
            anchor = Self.string(event.raw.data.mapping_start.anchor)
            node = .mapping(try composeMapping(at: event.location, depth: depth))
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.raw.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                throw Stop(
                    problem: ValidationProblem(
                        path: DocumentPath(path), message: "alias *\(name) refers to no anchor", location: event.location))
            }
            return target
        default:
            throw Stop(
                problem: ValidationProblem(
                    path: DocumentPath(path), message: "invalid YAML: unexpected parser event", location: event.location))
        }
        if let anchor { anchors[anchor] = node }
        return node
    }

    private func composeMapping(at location: SourceLocation, depth: Int) throws -> DocumentNode.Mapping {
        var entries: [DocumentNode.Mapping.Entry] = []
        entries.reserveCapacity(8)
        var merged: [DocumentNode.Mapping.Entry] = []
        // Mappings in documents are small: a linear scan finds repeats faster than hashing every key.
        func firstLocation(of key: String) -> SourceLocation? {
            for entry in entries where entry.key == key { return entry.keyLocation }
            return nil
        }
        while true {
            let keyEvent = try nextEvent()
            if keyEvent.type == YAML_MAPPING_END_EVENT {
                keyEvent.delete()
                break
            }
            let keyLocation = keyEvent.location
            let keyNode = try composeNode(keyEvent, depth: depth + 1)
            guard case .scalar(let keyScalar) = keyNode else {
                problems.append(
                    ValidationProblem(
                        path: DocumentPath(path), message: "mapping keys must be plain text, found \(ScalarKind.describe(keyNode))",
                        location: keyLocation))
                _ = try composeNode(try nextEvent(), depth: depth + 1)
                continue
            }
            let key = keyScalar.string
            path.append(.key(key))
            let value = try composeNode(try nextEvent(), depth: depth + 1)
            path.removeLast()
            if key == "<<", keyScalar.isPlain {
                merged += mergeSource(value, at: keyLocation)
                continue
            }
            if let first = firstLocation(of: key) {
                problems.append(
                    ValidationProblem(
                        path: DocumentPath(path + [.key(key)]),
                        message: "duplicate key \"\(key)\" (first at \(first)); the first value is kept",
                        location: keyLocation))
                continue
            }
            entries.append(DocumentNode.Mapping.Entry(key: key, keyLocation: keyLocation, value: value))
        }
        // Merge keys (`<<: *defaults`) add the entries the mapping does not set itself.
        for entry in merged where firstLocation(of: entry.key) == nil {
            entries.append(entry)
        }
        return DocumentNode.Mapping(entries: entries, location: location)
    }

    private func mergeSource(_ value: DocumentNode, at location: SourceLocation) -> [DocumentNode.Mapping.Entry] {
        switch value {
        case .mapping(let mapping): return mapping.entries
        case .sequence(let sequence):
            return sequence.elements.flatMap { element -> [DocumentNode.Mapping.Entry] in
                if case .mapping(let mapping) = element { return mapping.entries }
                return []
            }
        case .scalar:
            problems.append(
                ValidationProblem(
                    path: DocumentPath(path + [.key("<<")]), message: "a merge key needs a mapping or a list of mappings",
                    location: location))
            return []
        }
    }

    // MARK: - Events

    /// One libyaml event; `delete()` frees it.
    private struct Event {
        var raw: yaml_event_t
        let lineOffset: Int
        var type: yaml_event_type_t { raw.type }
        var location: SourceLocation {
            SourceLocation(line: lineOffset + Int(raw.start_mark.line) + 1, column: Int(raw.start_mark.column) + 1)
        }
        func delete() {
            var copy = raw
            yaml_event_delete(&copy)
        }
    }

    private func nextEvent() throws -> Event {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            throw Stop(problem: syntaxProblem())
        }
        return Event(raw: event, lineOffset: lineOffset)
    }

    private func syntaxProblem() -> ValidationProblem {
        let problem = Self.string(parser.pointee.problem) ?? "unreadable input"
        let context = Self.string(parser.pointee.context).map { "\($0) " } ?? ""
        let mark = parser.pointee.problem_mark
        let location = SourceLocation(line: lineOffset + Int(mark.line) + 1, column: Int(mark.column) + 1)
        let kind = parser.pointee.error == YAML_READER_ERROR ? "unreadable input" : "invalid YAML"
        return ValidationProblem(path: DocumentPath(path), message: "\(kind): \(context)\(problem)", location: location)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
