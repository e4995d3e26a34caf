internal import Foundation

/// The identifier and reference rules Margo documents share, each returning `nil` when the text is acceptable or a
/// message saying what is wrong.
enum MargoRules {
    /// An application id: `^[a-z0-9-]{1,200}$`.
    static func applicationIDProblem(_ text: String) -> String? {
        if text.isEmpty { return "required" }
        let valid =
            text.utf8.count <= 200
            && text.utf8.allSatisfy { NameRules.isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        return valid
            ? nil
            : "\"\(text)\" is not a Margo application id: 1–200 lower-case letters, digits and '-' "
                + "(^[a-z0-9-]{1,200}$)"
    }

    /// A deployment id: a UUID such as `a3e2f5dc-912e-494f-8395-52cf3769bc06`.
    static func uuidProblem(_ text: String) -> String? {
        if text.isEmpty { return "required" }
        return UUID(uuidString: text) == nil
            ? "\"\(text)\" is not a UUID (such as a3e2f5dc-912e-494f-8395-52cf3769bc06)" : nil
    }

    /// A content digest: `sha256:` and 64 lower-case hex digits.
    static func digestProblem(_ text: String) -> String? {
        if text.isEmpty { return "required" }
        let prefix = "sha256:"
        let hex = text.utf8.dropFirst(prefix.utf8.count)
        let valid =
            text.hasPrefix(prefix) && hex.count == 64
            && hex.allSatisfy { NameRules.isDigit($0) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
        return valid ? nil : "\"\(text)\" is not a digest: write sha256: followed by 64 lower-case hex digits"
    }

    /// A device id, `{id}[/{id}…]`, each part RFC 3986 unreserved characters; `/*` may end it where allowed.
    static func deviceIDProblem(_ text: String, allowingWildcard: Bool = false) -> String? {
        if text.isEmpty { return "required" }
        var parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if allowingWildcard, parts.count > 1, parts.last == "*" { parts.removeLast() }
        let valid = parts.allSatisfy { part in
            !part.isEmpty
                && part.utf8.allSatisfy {
                    NameRules.isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")
                        || $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "-")
                }
        }
        return valid
            ? nil
            : "\"\(text)\" is not a device id: parts of letters, digits, '.', '_', '~' and '-' separated by '/'"
                + (allowingWildcard ? ", optionally ending in /*" : "")
    }

    /// `unknown component "x"; did you mean "y"?` or `…; known: a, b`, with `in SCOPE` after the name when given.
    static func unknownName(_ noun: String, _ name: String, in scope: String? = nil, known: [String]) -> String {
        var message = "unknown \(noun) \"\(name)\""
        if let scope { message += " in \(scope)" }
        if let nearest = SpellingSuggestion.nearest(to: name, in: known) {
            message += "; did you mean \"\(nearest)\"?"
        } else if known.isEmpty {
            message += "; there are none"
        } else {
            message += "; known: \(known.joined(separator: ", "))"
        }
        return message
    }

    /// `duplicate NOUN "x" (also at PATH)` for the second and later uses of a name.
    static func duplicates(
        _ names: [String], noun: String, at path: (Int) -> DocumentPath, describing first: (Int) -> String
    ) -> [ValidationProblem] {
        var seen: [String: Int] = [:]
        var problems: [ValidationProblem] = []
        for (index, name) in names.enumerated() where !name.isEmpty {
            if let earlier = seen[name] {
                problems.append(
                    ValidationProblem(
                        path: path(index), message: "duplicate \(noun) \"\(name)\" (also at \(first(earlier)))"))
            } else {
                seen[name] = index
            }
        }
        return problems
    }
}

extension ValidationProblem {
    /// The problem with its path placed under `prefix`, for a document nested in another.
    func nested(under prefix: DocumentPath) -> ValidationProblem {
        ValidationProblem(path: prefix.appending(path), message: message, location: location)
    }
}
