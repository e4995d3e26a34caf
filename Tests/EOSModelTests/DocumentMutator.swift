/// Breaks YAML and JSON documents the ways people break them by hand, one seeded mutation at a time.
///
/// Works on lines, and on `key:` lines found by a quick scan rather than by parsing, so producing a mutant costs
/// far less than decoding it.
struct DocumentMutator {
    enum Mutation: String, CaseIterable, Sendable {
        case deleteLine, deleteKey, retypeValue, replaceBlock, duplicateKeyLine, truncate, swapIndentation
        case insertGarbage, several
    }

    /// A line holding `key:`, possibly after `- `, and where its value starts.
    struct KeyLine {
        let index: Int
        /// The column (from 0) of the key, which the lines of its block are indented past.
        let keyColumn: Int
        /// The offset in the line where the value starts; the line's length when the value is empty.
        let valueStart: Int
    }

    static let values = [
        "42", "-7", "0", "3.5", "1e400", "true", "false", "yes", "null", "~", "", "{a: 1}", "{}", "[x, 1]", "[]",
        "\"quoted\"", "'single'", "0x1F", ".inf", "2Gi", "10%", "-5%", "\"\"", "{name: [}", "[unclosed", "*nowhere",
        "&anchor value", "!custom tag", "|", "{\"key\": \"value\"}", "[[1, 2], {}]", "- item", "key: value",
    ]

    static let garbage: [String] = [
        ":", "{", "}", "[", "]", "-", "#", "&", "*", "!", "|", ">", "%", "@", "`", "'", "\"", "\t", ",", "?", " ",
        "\n", "\\", "\r", "é", "\u{FEFF}", "\u{07}", "\u{00}", "\u{2028}", "x", "0", ": ", "- ", "\n  ", "---\n",
    ]

    let lines: [String]
    let keyLines: [KeyLine]

    init(_ text: String) {
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        self.lines = lines
        keyLines = lines.indices.compactMap { Self.keyLine(lines[$0], at: $0) }
    }

    /// Applies `mutation` to the text; the result may or may not still be a valid document.
    func apply(_ mutation: Mutation, using random: inout some RandomNumberGenerator) -> String {
        var lines = self.lines
        switch mutation {
        case .deleteLine:
            lines.remove(at: Int.random(in: lines.indices, using: &random))
        case .deleteKey:
            guard let key = keyLines.randomElement(using: &random) else { return truncated(using: &random) }
            lines.removeSubrange(key.index..<blockEnd(of: key))
        case .retypeValue:
            guard let key = keyLines.randomElement(using: &random) else { return truncated(using: &random) }
            lines[key.index] = replacingValue(of: key, with: Self.values.randomElement(using: &random)!)
        case .replaceBlock:
            guard let key = keyLines.randomElement(using: &random) else { return truncated(using: &random) }
            let end = blockEnd(of: key)
            lines[key.index] = replacingValue(of: key, with: Self.values.randomElement(using: &random)!)
            lines.removeSubrange((key.index + 1)..<end)
        case .duplicateKeyLine:
            guard let key = keyLines.randomElement(using: &random) else { return truncated(using: &random) }
            let position = Bool.random(using: &random) ? key.index + 1 : blockEnd(of: key)
            lines.insert(lines[key.index], at: position)
        case .truncate:
            return truncated(using: &random)
        case .swapIndentation:
            let first = Int.random(in: lines.indices, using: &random)
            let second = Int.random(in: lines.indices, using: &random)
            let (firstIndent, firstRest) = Self.splitIndentation(lines[first])
            if first == second {
                let shift = Int.random(in: -3...3, using: &random)
                lines[first] = String(repeating: " ", count: max(0, firstIndent.count + shift)) + firstRest
            } else {
                let (secondIndent, secondRest) = Self.splitIndentation(lines[second])
                lines[first] = secondIndent + firstRest
                lines[second] = firstIndent + secondRest
            }
        case .insertGarbage:
            var scalars = Array(lines.joined(separator: "\n").unicodeScalars)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let offset = Int.random(in: 0...scalars.count, using: &random)
                scalars.insert(contentsOf: Self.garbage.randomElement(using: &random)!.unicodeScalars, at: offset)
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            return String(text)
        case .several:
            var text = lines.joined(separator: "\n")
            for _ in 0..<Int.random(in: 2...3, using: &random) {
                let next = Mutation.allCases.filter { $0 != .several }.randomElement(using: &random)!
                text = DocumentMutator(text).apply(next, using: &random)
            }
            return text
        }
        return lines.joined(separator: "\n")
    }

    private func truncated(using random: inout some RandomNumberGenerator) -> String {
        let scalars = lines.joined(separator: "\n").unicodeScalars
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars.prefix(Int.random(in: 0...scalars.count, using: &random)))
        return String(text)
    }

    /// The index after the last line of the key's block: the following lines indented past its key.
    private func blockEnd(of key: KeyLine) -> Int {
        var end = key.index + 1
        while end < lines.count {
            let (indent, rest) = Self.splitIndentation(lines[end])
            if !rest.isEmpty, indent.count <= key.keyColumn { break }
            end += 1
        }
        return end
    }

    private func replacingValue(of key: KeyLine, with value: String) -> String {
        let line = Array(lines[key.index].unicodeScalars)
        let oldValue = String(String.UnicodeScalarView(line[key.valueStart...]))
        // Keep JSON's separator so the mutant differs from the original in one way only.
        let comma = oldValue.hasSuffix(",") ? "," : ""
        let prefix = String(String.UnicodeScalarView(line[..<key.valueStart]))
        return prefix + (key.valueStart == line.count ? " " : "") + value + comma
    }

    private static func splitIndentation(_ line: String) -> (String, String) {
        let scalars = line.unicodeScalars
        let indentEnd = scalars.firstIndex { $0 != " " } ?? scalars.endIndex
        return (String(scalars[..<indentEnd]), String(scalars[indentEnd...]))
    }

    /// Recognises `key: value`, `- key: value`, `"key": value` and `key:` lines.
    private static func keyLine(_ line: String, at index: Int) -> KeyLine? {
        let scalars = Array(line.unicodeScalars)
        var position = 0
        while position < scalars.count, scalars[position] == " " { position += 1 }
        if position + 1 < scalars.count, scalars[position] == "-", scalars[position + 1] == " " { position += 2 }
        let keyColumn = position
        let quoted = position < scalars.count && scalars[position] == "\""
        if quoted { position += 1 }
        let nameStart = position
        while position < scalars.count, isKeyScalar(scalars[position]) { position += 1 }
        guard position > nameStart else { return nil }
        if quoted {
            guard position < scalars.count, scalars[position] == "\"" else { return nil }
            position += 1
        }
        guard position < scalars.count, scalars[position] == ":" else { return nil }
        position += 1
        if position == scalars.count { return KeyLine(index: index, keyColumn: keyColumn, valueStart: position) }
        guard scalars[position] == " " else { return nil }
        return KeyLine(index: index, keyColumn: keyColumn, valueStart: position + 1)
    }

    private static func isKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".", "/": true
        default: false
        }
    }
}
