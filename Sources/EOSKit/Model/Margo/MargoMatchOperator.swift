/// How a device-eligibility match expression compares a reported value.
public enum MargoMatchOperator: String, DocumentEnum {
    /// The value is one of `values`.
    case `in` = "In"
    /// The value is none of `values`.
    case notIn = "NotIn"
    /// The key is reported.
    case exists = "Exists"
    /// The key is not reported.
    case doesNotExist = "DoesNotExist"
    /// The value is greater than the single entry of `values`.
    case greaterThan = "Gt"
    /// The value is less than the single entry of `values`.
    case lessThan = "Lt"
    /// Every element of an array matches `itemSelector`.
    case containsAll = "ContainsAll"
    /// Some element of an array matches `itemSelector`.
    case containsAny = "ContainsAny"
}
