internal import Foundation

/// A named rule set that parameter values must satisfy: a data type plus optional length, range, precision,
/// pattern and option limits.
///
/// `allowEmpty` defaults to `false` as Margo specifies: a parameter checked by a schema without `allowEmpty: true`
/// must have a value.
public struct MargoParameterSchema: Sendable, Hashable, Codable {
    /// The schema's name, which settings refer to.
    public var name: String
    /// The type values must have.
    public var dataType: MargoDataType
    /// Whether an empty value (no value, empty text, empty list) is acceptable. Default: `false`.
    public var allowEmpty: Bool?
    /// The fewest characters text may have.
    public var minLength: Int?
    /// The most characters text may have.
    public var maxLength: Int?
    /// A regular expression text must contain a match of (anchor it with `^…$` to match the whole value).
    public var regexMatch: String?
    /// The smallest number allowed.
    public var minValue: MargoValue?
    /// The largest number allowed.
    public var maxValue: MargoValue?
    /// The fewest digits after the decimal point a double must have.
    public var minPrecision: Int?
    /// The most digits after the decimal point a double may have.
    public var maxPrecision: Int?
    /// For a select: whether several options may be chosen.
    public var multiselect: Bool?
    /// For a select: the values allowed.
    public var options: [MargoValue]?

    /// Creates a schema.
    public init(
        name: String, dataType: MargoDataType, allowEmpty: Bool? = nil, minLength: Int? = nil, maxLength: Int? = nil,
        regexMatch: String? = nil, minValue: MargoValue? = nil, maxValue: MargoValue? = nil, minPrecision: Int? = nil,
        maxPrecision: Int? = nil, multiselect: Bool? = nil, options: [MargoValue]? = nil
    ) {
        self.name = name
        self.dataType = dataType
        self.allowEmpty = allowEmpty
        self.minLength = minLength
        self.maxLength = maxLength
        self.regexMatch = regexMatch
        self.minValue = minValue
        self.maxValue = maxValue
        self.minPrecision = minPrecision
        self.maxPrecision = maxPrecision
        self.multiselect = multiselect
        self.options = options
    }

    /// Whether a parameter checked by this schema must have a value.
    public var requiresValue: Bool { allowEmpty != true }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, dataType, allowEmpty, minLength, maxLength, regexMatch, minValue, maxValue, minPrecision
        case maxPrecision, multiselect, options
    }

    /// Decodes a schema; `name` and `dataType` are required, `minValue` and `maxValue` must be numbers.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        dataType = try container.decode(MargoDataType.self, forKey: .dataType)
        allowEmpty = try container.decodeIfPresent(Bool.self, forKey: .allowEmpty)
        minLength = try container.decodeIfPresent(Int.self, forKey: .minLength)
        maxLength = try container.decodeIfPresent(Int.self, forKey: .maxLength)
        regexMatch = try container.decodeIfPresent(String.self, forKey: .regexMatch)
        minValue = try container.decodeIfPresent(MargoValue.self, forKey: .minValue)
        maxValue = try container.decodeIfPresent(MargoValue.self, forKey: .maxValue)
        minPrecision = try container.decodeIfPresent(Int.self, forKey: .minPrecision)
        maxPrecision = try container.decodeIfPresent(Int.self, forKey: .maxPrecision)
        multiselect = try container.decodeIfPresent(Bool.self, forKey: .multiselect)
        options = try container.decodeIfPresent([MargoValue].self, forKey: .options)
        for (key, value) in [(CodingKeys.minValue, minValue), (.maxValue, maxValue)] {
            switch value {
            case .integer?, .number?, nil: break
            case let other?:
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "expected a number, found \(Self.quoted(other))")
            }
        }
    }

    /// The ways `value` breaks this schema, in words; empty when it satisfies it.
    public func violations(of value: MargoValue?) -> [String] {
        guard let value, !value.isEmpty else {
            return requiresValue ? ["required: schema \(name) does not allow an empty value"] : []
        }
        var messages: [String]
        if let elementType = dataType.elementType {
            guard case .list(let elements) = value else {
                return ["expected a list (\(dataType.rawValue)), found \(Self.quoted(value)) (schema \(name))"]
            }
            messages = elements.enumerated().flatMap { index, element in
                check(element, as: elementType).map { "element \(index): \($0)" }
            }
        } else {
            messages = check(value, as: dataType)
        }
        if let options, !options.isEmpty {
            let optionTexts = Set(options.map(\.text))
            for chosen in value.listValue ?? [value] where !optionTexts.contains(chosen.text) {
                let allowed = options.map(\.description).joined(separator: ", ")
                messages.append("\(Self.quoted(chosen)) is not one of the options \(allowed)")
            }
        }
        return messages.map { "\($0) (schema \(name))" }
    }

    private func check(_ value: MargoValue, as type: MargoDataType) -> [String] {
        switch type {
        case .string, .stringArray:
            if case .list = value { return ["expected text, found a list"] }
            return textViolations(value.text)
        case .integer, .integerArray:
            guard let number = value.integerValue else { return ["expected an integer, found \(Self.quoted(value))"] }
            return rangeViolations(Double(number), written: value)
        case .double, .doubleArray:
            guard let number = value.doubleValue, number.isFinite else {
                return ["expected a number, found \(Self.quoted(value))"]
            }
            return rangeViolations(number, written: value) + precisionViolations(value)
        case .boolean, .booleanArray:
            return value.booleanValue == nil ? ["expected true or false, found \(Self.quoted(value))"] : []
        }
    }

    private func textViolations(_ text: String) -> [String] {
        var messages: [String] = []
        if let minLength, text.count < minLength {
            messages.append("\"\(text)\" is shorter than \(minLength) characters")
        }
        if let maxLength, text.count > maxLength {
            messages.append("\"\(Self.abbreviated(text))\" is longer than \(maxLength) characters")
        }
        if let regexMatch, let regex = try? NSRegularExpression(pattern: regexMatch),
            regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
        {
            messages.append("\"\(Self.abbreviated(text))\" does not match \(regexMatch)")
        }
        return messages
    }

    private func rangeViolations(_ number: Double, written value: MargoValue) -> [String] {
        var messages: [String] = []
        if let minimum = minValue?.doubleValue, number < minimum {
            messages.append("\(value.text) is less than the minimum \(minValue!.text)")
        }
        if let maximum = maxValue?.doubleValue, number > maximum {
            messages.append("\(value.text) is more than the maximum \(maxValue!.text)")
        }
        return messages
    }

    private func precisionViolations(_ value: MargoValue) -> [String] {
        let digits = Self.fractionDigits(value)
        if let maxPrecision, digits > maxPrecision {
            return ["\(value.text) has more than \(maxPrecision) digits after the decimal point"]
        }
        if let minPrecision, digits < minPrecision {
            return ["\(value.text) has fewer than \(minPrecision) digits after the decimal point"]
        }
        return []
    }

    /// Digits after the decimal point as written (`1.50` has 2), or of the shortest form of a number.
    static func fractionDigits(_ value: MargoValue) -> Int {
        let text: String
        switch value {
        case .number(let number): text = "\(number)"
        case .string(let written): text = written.trimmingCharacters(in: .whitespaces)
        case .integer, .boolean, .list: return 0
        }
        let parts = text.lowercased().split(separator: "e", maxSplits: 1)
        let mantissa = parts.first.map(String.init) ?? ""
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        var fraction = mantissa.split(separator: ".", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        if case .number = value { while fraction.hasSuffix("0") { fraction.removeLast() } }
        return max(0, fraction.count - exponent)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if let regexMatch {
            do {
                _ = try NSRegularExpression(pattern: regexMatch)
            } catch {
                problems.append(
                    ValidationProblem(
                        path: path.appending("regexMatch"),
                        message: "\"\(regexMatch)\" is not a valid regular expression"))
            }
        }
        for (key, length) in [
            ("minLength", minLength), ("maxLength", maxLength), ("minPrecision", minPrecision),
            ("maxPrecision", maxPrecision),
        ] {
            if let length, length < 0 {
                problems.append(
                    ValidationProblem(path: path.appending(key), message: "must not be negative, found \(length)"))
            }
        }
        if let minLength, let maxLength, minLength > maxLength {
            problems.append(
                ValidationProblem(
                    path: path.appending("maxLength"), message: "\(maxLength) is less than minLength \(minLength)"))
        }
        if let minimum = minValue?.doubleValue, let maximum = maxValue?.doubleValue, minimum > maximum {
            problems.append(
                ValidationProblem(
                    path: path.appending("maxValue"),
                    message: "\(maxValue!.text) is less than minValue \(minValue!.text)"))
        }
        return problems
    }

    private static func quoted(_ value: MargoValue) -> String {
        switch value {
        case .string(let text): return "\"\(abbreviated(text))\""
        case .list: return "a list"
        case .integer, .number, .boolean: return value.text
        }
    }

    private static func abbreviated(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(60)) + "…" : text
    }
}

extension MargoParameterSchema: DecodingPlaceholder {
    static var decodingPlaceholder: MargoParameterSchema { MargoParameterSchema(name: "", dataType: .string) }
}
