/// The naming rules EOS documents follow, shared with Kubernetes so names carry over between tools.
///
/// Each check returns `nil` when the text is acceptable, or a message saying what is wrong.
public enum NameRules {
    /// A DNS-1123 label: 1–63 characters of `a-z`, `0-9` and `-`, starting and ending with a letter or digit.
    public static func dnsLabelProblem(_ text: String) -> String? {
        if text.isEmpty { return "required" }
        if text.utf8.count > 63 { return "\"\(text)\" is longer than 63 characters" }
        guard text.utf8.allSatisfy({ isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }),
            let first = text.utf8.first, isLowerAlphanumeric(first),
            let last = text.utf8.last, isLowerAlphanumeric(last)
        else {
            return "\"\(text)\" is not a DNS-1123 label: use lower-case letters, digits and '-', "
                + "starting and ending with a letter or digit"
        }
        return nil
    }

    /// A DNS-1123 subdomain: dot-separated labels, at most 253 characters.
    public static func dnsSubdomainProblem(_ text: String) -> String? {
        if text.isEmpty { return "required" }
        if text.utf8.count > 253 { return "\"\(text)\" is longer than 253 characters" }
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            if dnsLabelProblem(String(label)) != nil {
                return "\"\(text)\" is not a DNS-1123 subdomain: dot-separated lower-case labels of letters, digits and '-'"
            }
        }
        return nil
    }

    /// A label key: an optional DNS subdomain prefix and `/`, then a name of up to 63 characters of letters,
    /// digits, `-`, `_` and `.`, starting and ending with a letter or digit.
    public static func labelKeyProblem(_ text: String) -> String? {
        if text.isEmpty { return "label keys must not be empty" }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return "label key \"\(text)\" has more than one '/'" }
        if parts.count == 2, let prefixProblem = dnsSubdomainProblem(String(parts[0])) {
            return "label key \"\(text)\" has an invalid prefix: \(prefixProblem)"
        }
        let name = String(parts.last!)
        if name.isEmpty || name.utf8.count > 63 || !isQualifiedName(name) {
            return "label key \"\(text)\" is invalid: the name part must be 1–63 letters, digits, '-', '_' or '.', "
                + "starting and ending with a letter or digit"
        }
        return nil
    }

    /// A label value: empty, or up to 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or
    /// digit.
    public static func labelValueProblem(_ text: String) -> String? {
        if text.isEmpty { return nil }
        if text.utf8.count > 63 || !isQualifiedName(text) {
            return "label value \"\(text)\" is invalid: up to 63 letters, digits, '-', '_' or '.', "
                + "starting and ending with a letter or digit"
        }
        return nil
    }

    /// An environment variable name: letters, digits and `_`, not starting with a digit.
    public static func environmentNameProblem(_ text: String) -> String? {
        guard let first = text.utf8.first else { return "environment variable names must not be empty" }
        let valid = text.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") }
        if !valid || isDigit(first) {
            return "\"\(text)\" is not a valid environment variable name: letters, digits and '_', not starting with a digit"
        }
        return nil
    }

    private static func isQualifiedName(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last, isAlphanumeric(first), isAlphanumeric(last)
        else { return false }
        return text.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    }
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
