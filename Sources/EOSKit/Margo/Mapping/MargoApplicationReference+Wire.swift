import EOSModel

// FleetSpec `spec.application` ↔ eos.margo.v1.MargoApplicationReference, and Margo's open values.

extension MargoApplicationReference {
    /// Decodes a reference; a description (inline or by id) and a profile are required.
    init(wire: Eos_Margo_V1_MargoApplicationReference, at path: WirePath) throws(MargoError) {
        let description: Description
        switch wire.description_p {
        case .applicationID(let id)?:
            description = .id(try path.appending("applicationId").requiredText(id))
        case .inlineDescription(let inline)?:
            description = .inline(try ApplicationDescription(wire: inline, at: path.appending("inlineDescription")))
        case nil:
            throw path.invalid("required: an applicationId or an inlineDescription")
        }
        self.init(
            description: description,
            profile: try path.appending("profile").requiredText(wire.profile),
            parameters: try path.eachValue("parameters", wire.parameters) { (value, path) throws(MargoError) in
                try MargoValue(wire: value, at: path)
            })
    }

    /// The reference as a wire message.
    var wire: Eos_Margo_V1_MargoApplicationReference {
        var wire = Eos_Margo_V1_MargoApplicationReference()
        switch description {
        case .id(let id): wire.applicationID = id
        case .inline(let inline): wire.inlineDescription = inline.wire
        }
        wire.profile = profile
        wire.parameters = parameters.mapValues(\.wire)
        return wire
    }
}

extension MargoValue {
    /// Decodes a value, keeping the type it was written with; one kind is required.
    init(wire: Eos_Margo_V1_MargoValue, at path: WirePath) throws(MargoError) {
        switch wire.kind {
        case .stringValue(let text)?: self = .string(text)
        case .integerValue(let value)?:
            guard let value = Int(exactly: value) else {
                throw path.appending("integerValue").invalid("\(value) does not fit this platform's integers")
            }
            self = .integer(value)
        case .numberValue(let value)?: self = .number(value)
        case .booleanValue(let value)?: self = .boolean(value)
        case .listValue(let list)?: self = .list(try Self.list(wire: list, at: path.appending("listValue")))
        case nil: throw path.invalid("required: a string, integer, number, boolean or list value")
        }
    }

    /// Decodes the elements of a value list.
    static func list(wire: Eos_Margo_V1_MargoValueList, at path: WirePath) throws(MargoError) -> [MargoValue] {
        try path.each("values", wire.values) { (value, path) throws(MargoError) in
            try MargoValue(wire: value, at: path)
        }
    }

    /// Wraps values as a wire list.
    static func wireList(_ values: [MargoValue]) -> Eos_Margo_V1_MargoValueList {
        var list = Eos_Margo_V1_MargoValueList()
        list.values = values.map(\.wire)
        return list
    }

    /// The value as a wire message.
    var wire: Eos_Margo_V1_MargoValue {
        var wire = Eos_Margo_V1_MargoValue()
        switch self {
        case .string(let text): wire.stringValue = text
        case .integer(let value): wire.integerValue = Int64(value)
        case .number(let value): wire.numberValue = value
        case .boolean(let value): wire.booleanValue = value
        case .list(let values): wire.listValue = Self.wireList(values)
        }
        return wire
    }
}
