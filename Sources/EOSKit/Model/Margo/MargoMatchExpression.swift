/// One test of a device's reported capabilities: a key, an operator, and the values or item selector it needs.
public struct MargoMatchExpression: Sendable, Hashable, Codable {
    /// A JSON Pointer into the reported properties (`/supportedRuntimes`), or a label key.
    public var key: String
    /// How the reported value is compared.
    public var `operator`: MargoMatchOperator
    /// The values to compare with; needed by `In`, `NotIn`, `Gt` and `Lt`.
    public var values: [MargoValue]
    /// The selector for array elements; needed by `ContainsAll` and `ContainsAny`.
    public var itemSelector: MargoSelector?

    /// Creates an expression.
    public init(
        key: String, operator: MargoMatchOperator, values: [MargoValue] = [], itemSelector: MargoSelector? = nil
    ) {
        self.key = key
        self.operator = `operator`
        self.values = values
        self.itemSelector = itemSelector
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case key, `operator`, values, itemSelector }

    /// Decodes an expression; `key` and `operator` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        `operator` = try container.decode(MargoMatchOperator.self, forKey: .operator)
        values = try container.decodeIfPresent([MargoValue].self, forKey: .values) ?? []
        itemSelector = try container.decodeIfPresent(MargoSelector.self, forKey: .itemSelector)
    }

    /// Encodes the expression, leaving out empty values.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(`operator`, forKey: .operator)
        try container.encodeIfNotEmpty(values, forKey: .values)
        try container.encodeIfPresent(itemSelector, forKey: .itemSelector)
    }

    func validationProblems(at path: DocumentPath) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        switch `operator` {
        case .in, .notIn, .greaterThan, .lessThan:
            if values.isEmpty {
                problems.append(
                    ValidationProblem(
                        path: path.appending("values"), message: "required for operator \(`operator`.rawValue)"))
            }
        case .containsAll, .containsAny:
            if itemSelector == nil {
                problems.append(
                    ValidationProblem(
                        path: path.appending("itemSelector"), message: "required for operator \(`operator`.rawValue)"))
            }
        case .exists, .doesNotExist:
            break
        }
        if let itemSelector { problems += itemSelector.validationProblems(at: path.appending("itemSelector")) }
        return problems
    }
}

extension MargoMatchExpression: DecodingPlaceholder {
    static var decodingPlaceholder: MargoMatchExpression { MargoMatchExpression(key: "", operator: .exists) }
}
