/// The type a configuration schema expects a parameter value to have.
public enum MargoDataType: String, DocumentEnum {
    /// Text.
    case string
    /// A whole number.
    case integer
    /// A number with an optional fraction.
    case double
    /// `true` or `false`.
    case boolean
    /// A list of text.
    case stringArray = "array[string]"
    /// A list of whole numbers.
    case integerArray = "array[integer]"
    /// A list of numbers.
    case doubleArray = "array[double]"
    /// A list of booleans.
    case booleanArray = "array[boolean]"

    /// The type of each element, for the array types; `nil` for the others.
    public var elementType: MargoDataType? {
        switch self {
        case .stringArray: return .string
        case .integerArray: return .integer
        case .doubleArray: return .double
        case .booleanArray: return .boolean
        case .string, .integer, .double, .boolean: return nil
        }
    }
}
