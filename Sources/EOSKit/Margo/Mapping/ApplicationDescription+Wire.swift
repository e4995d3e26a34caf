import EOSModel

// A Margo ApplicationDescription ↔ eos.margo.v1.MargoApplicationDescription, field by field. Only ids and enums are
// checked: the description's own rules are Margo's, checked where the description is resolved.

extension ApplicationDescription {
    /// Decodes a description; `id`, `idPlacement` and `metadata` are required.
    init(wire: Eos_Margo_V1_MargoApplicationDescription, at path: WirePath) throws(MargoError) {
        guard wire.hasMetadata else { throw path.appending("metadata").required }
        let placement: IDPlacement
        switch wire.idPlacement {
        case .topLevel: placement = .topLevel
        case .metadata: placement = .metadata
        case .unspecified, .UNRECOGNIZED: throw path.appending("idPlacement").unknownEnum(wire.idPlacement.rawValue)
        }
        self.init(
            apiVersion: wire.hasApiVersion ? wire.apiVersion : nil,
            kind: wire.hasKind ? wire.kind : nil,
            id: try path.appending("id").requiredText(wire.id),
            metadata: MargoApplicationMetadata(wire: wire.metadata),
            deploymentProfiles: try path.each("deploymentProfiles", wire.deploymentProfiles) {
                (profile, path) throws(MargoError) in try MargoDeploymentProfile(wire: profile, at: path)
            },
            parameters: try path.eachValue("parameters", wire.parameters) { (parameter, path) throws(MargoError) in
                try MargoParameter(wire: parameter, at: path)
            },
            configuration: wire.hasConfiguration
                ? try MargoConfiguration(wire: wire.configuration, at: path.appending("configuration")) : nil)
        idPlacement = placement
    }

    /// The description as a wire message.
    var wire: Eos_Margo_V1_MargoApplicationDescription {
        var wire = Eos_Margo_V1_MargoApplicationDescription()
        if let apiVersion { wire.apiVersion = apiVersion }
        if let kind { wire.kind = kind }
        wire.id = id
        switch idPlacement {
        case .topLevel: wire.idPlacement = .topLevel
        case .metadata: wire.idPlacement = .metadata
        }
        wire.metadata = metadata.wire
        wire.deploymentProfiles = deploymentProfiles.map(\.wire)
        wire.parameters = parameters.mapValues(\.wire)
        if let configuration { wire.configuration = configuration.wire }
        return wire
    }
}

extension MargoApplicationMetadata {
    init(wire: Eos_Margo_V1_MargoApplicationMetadata) {
        self.init(
            id: wire.hasID ? wire.id : nil, name: wire.name,
            description: wire.hasDescription_p ? wire.description_p : nil, version: wire.version,
            catalog: wire.hasCatalog ? MargoCatalog(wire: wire.catalog) : nil)
    }

    var wire: Eos_Margo_V1_MargoApplicationMetadata {
        var wire = Eos_Margo_V1_MargoApplicationMetadata()
        if let id { wire.id = id }
        wire.name = name
        if let description { wire.description_p = description }
        wire.version = version
        if let catalog { wire.catalog = catalog.wire }
        return wire
    }
}

extension MargoCatalog {
    init(wire: Eos_Margo_V1_MargoCatalog) {
        self.init(
            application: wire.hasApplication ? MargoCatalogApplication(wire: wire.application) : nil,
            author: wire.author.map(MargoAuthor.init(wire:)),
            organization: wire.organization.map(MargoOrganization.init(wire:)))
    }

    var wire: Eos_Margo_V1_MargoCatalog {
        var wire = Eos_Margo_V1_MargoCatalog()
        if let application { wire.application = application.wire }
        wire.author = author.map(\.wire)
        wire.organization = organization.map(\.wire)
        return wire
    }
}

extension MargoCatalogApplication {
    init(wire: Eos_Margo_V1_MargoCatalogApplication) {
        self.init(
            icon: wire.hasIcon ? wire.icon : nil, tagline: wire.hasTagline ? wire.tagline : nil,
            descriptionFile: wire.hasDescriptionFile ? wire.descriptionFile : nil,
            releaseNotes: wire.hasReleaseNotes ? wire.releaseNotes : nil,
            licenseFile: wire.hasLicenseFile ? wire.licenseFile : nil, site: wire.hasSite ? wire.site : nil,
            tags: wire.tags)
    }

    var wire: Eos_Margo_V1_MargoCatalogApplication {
        var wire = Eos_Margo_V1_MargoCatalogApplication()
        if let icon { wire.icon = icon }
        if let tagline { wire.tagline = tagline }
        if let descriptionFile { wire.descriptionFile = descriptionFile }
        if let releaseNotes { wire.releaseNotes = releaseNotes }
        if let licenseFile { wire.licenseFile = licenseFile }
        if let site { wire.site = site }
        wire.tags = tags
        return wire
    }
}

extension MargoAuthor {
    init(wire: Eos_Margo_V1_MargoAuthor) {
        self.init(name: wire.hasName ? wire.name : nil, email: wire.hasEmail ? wire.email : nil)
    }

    var wire: Eos_Margo_V1_MargoAuthor {
        var wire = Eos_Margo_V1_MargoAuthor()
        if let name { wire.name = name }
        if let email { wire.email = email }
        return wire
    }
}

extension MargoOrganization {
    init(wire: Eos_Margo_V1_MargoOrganization) {
        self.init(name: wire.name, site: wire.hasSite ? wire.site : nil)
    }

    var wire: Eos_Margo_V1_MargoOrganization {
        var wire = Eos_Margo_V1_MargoOrganization()
        wire.name = name
        if let site { wire.site = site }
        return wire
    }
}

extension MargoDeploymentProfile {
    /// Decodes a profile; `type` and `id` are required.
    init(wire: Eos_Margo_V1_MargoDeploymentProfile, at path: WirePath) throws(MargoError) {
        let type: MargoDeploymentProfileType
        switch wire.type {
        case .helm: type = .helm
        case .compose: type = .compose
        case .unspecified, .UNRECOGNIZED: throw path.appending("type").unknownEnum(wire.type.rawValue)
        }
        self.init(
            type: type, id: try path.appending("id").requiredText(wire.id),
            description: wire.hasDescription_p ? wire.description_p : nil,
            components: try path.each("components", wire.components) { (component, path) throws(MargoError) in
                try MargoComponent(wire: component, at: path)
            },
            requiredResources: wire.hasRequiredResources
                ? MargoResourceRequirements(wire: wire.requiredResources) : nil,
            deviceConstraints: wire.hasDeviceConstraints
                ? try MargoDeviceConstraints(wire: wire.deviceConstraints, at: path.appending("deviceConstraints"))
                : nil)
    }

    var wire: Eos_Margo_V1_MargoDeploymentProfile {
        var wire = Eos_Margo_V1_MargoDeploymentProfile()
        switch type {
        case .helm: wire.type = .helm
        case .compose: wire.type = .compose
        }
        wire.id = id
        if let description { wire.description_p = description }
        wire.components = components.map(\.wire)
        if let requiredResources { wire.requiredResources = requiredResources.wire }
        if let deviceConstraints { wire.deviceConstraints = deviceConstraints.wire }
        return wire
    }
}

extension MargoComponent {
    init(wire: Eos_Margo_V1_MargoComponent, at path: WirePath) throws(MargoError) {
        self.init(
            name: wire.name,
            properties: try path.eachValue("properties", wire.properties) { (value, path) throws(MargoError) in
                try MargoValue(wire: value, at: path)
            })
    }

    var wire: Eos_Margo_V1_MargoComponent {
        var wire = Eos_Margo_V1_MargoComponent()
        wire.name = name
        wire.properties = properties.mapValues(\.wire)
        return wire
    }
}

extension MargoResourceRequirements {
    init(wire: Eos_Margo_V1_MargoResourceRequirements) {
        self.init(
            cpu: wire.hasCpu ? MargoCPURequirement(cores: wire.cpu.cores, architectures: wire.cpu.architectures) : nil,
            memory: wire.hasMemory ? wire.memory : nil, storage: wire.hasStorage ? wire.storage : nil,
            peripherals: wire.peripherals.map {
                MargoPeripheral(
                    type: $0.type, manufacturer: $0.hasManufacturer ? $0.manufacturer : nil,
                    model: $0.hasModel ? $0.model : nil)
            },
            interfaces: wire.interfaces.map { MargoCommunicationInterface(type: $0.type) })
    }

    var wire: Eos_Margo_V1_MargoResourceRequirements {
        var wire = Eos_Margo_V1_MargoResourceRequirements()
        if let cpu {
            var requirement = Eos_Margo_V1_MargoCPURequirement()
            requirement.cores = cpu.cores
            requirement.architectures = cpu.architectures
            wire.cpu = requirement
        }
        if let memory { wire.memory = memory }
        if let storage { wire.storage = storage }
        wire.peripherals = peripherals.map { peripheral in
            var wire = Eos_Margo_V1_MargoPeripheral()
            wire.type = peripheral.type
            if let manufacturer = peripheral.manufacturer { wire.manufacturer = manufacturer }
            if let model = peripheral.model { wire.model = model }
            return wire
        }
        wire.interfaces = interfaces.map { interface in
            var wire = Eos_Margo_V1_MargoCommunicationInterface()
            wire.type = interface.type
            return wire
        }
        return wire
    }
}

extension MargoDeviceConstraints {
    init(wire: Eos_Margo_V1_MargoDeviceConstraints, at path: WirePath) throws(MargoError) {
        self.init(
            capacityRequirements: wire.hasCapacityRequirements
                ? MargoResourceRequirements(wire: wire.capacityRequirements) : nil,
            eligibilityRules: try path.each("eligibilityRules", wire.eligibilityRules) {
                (rule, path) throws(MargoError) in
                MargoEligibilityRule(
                    propertySelector: rule.hasPropertySelector
                        ? try MargoSelector(wire: rule.propertySelector, at: path.appending("propertySelector")) : nil,
                    labelSelector: rule.hasLabelSelector
                        ? try MargoSelector(wire: rule.labelSelector, at: path.appending("labelSelector")) : nil)
            })
    }

    var wire: Eos_Margo_V1_MargoDeviceConstraints {
        var wire = Eos_Margo_V1_MargoDeviceConstraints()
        if let capacityRequirements { wire.capacityRequirements = capacityRequirements.wire }
        wire.eligibilityRules = eligibilityRules.map { rule in
            var wire = Eos_Margo_V1_MargoEligibilityRule()
            if let selector = rule.propertySelector { wire.propertySelector = selector.wire }
            if let selector = rule.labelSelector { wire.labelSelector = selector.wire }
            return wire
        }
        return wire
    }
}

extension MargoSelector {
    init(wire: Eos_Margo_V1_MargoSelector, at path: WirePath) throws(MargoError) {
        self.init(
            matchExpressions: try path.each("matchExpressions", wire.matchExpressions) {
                (expression, path) throws(MargoError) in try MargoMatchExpression(wire: expression, at: path)
            })
    }

    var wire: Eos_Margo_V1_MargoSelector {
        var wire = Eos_Margo_V1_MargoSelector()
        wire.matchExpressions = matchExpressions.map(\.wire)
        return wire
    }
}

extension MargoMatchExpression {
    /// Decodes an expression; `operator` is required. The key may be empty: an item selector's expressions may
    /// test the array element itself.
    init(wire: Eos_Margo_V1_MargoMatchExpression, at path: WirePath) throws(MargoError) {
        let matchOperator: MargoMatchOperator
        switch wire.operator {
        case .in: matchOperator = .in
        case .notIn: matchOperator = .notIn
        case .exists: matchOperator = .exists
        case .doesNotExist: matchOperator = .doesNotExist
        case .greaterThan: matchOperator = .greaterThan
        case .lessThan: matchOperator = .lessThan
        case .containsAll: matchOperator = .containsAll
        case .containsAny: matchOperator = .containsAny
        case .unspecified, .UNRECOGNIZED: throw path.appending("operator").unknownEnum(wire.operator.rawValue)
        }
        self.init(
            key: wire.key, operator: matchOperator,
            values: try path.each("values", wire.values) { (value, path) throws(MargoError) in
                try MargoValue(wire: value, at: path)
            },
            itemSelector: wire.hasItemSelector
                ? try MargoSelector(wire: wire.itemSelector, at: path.appending("itemSelector")) : nil)
    }

    var wire: Eos_Margo_V1_MargoMatchExpression {
        var wire = Eos_Margo_V1_MargoMatchExpression()
        wire.key = key
        switch `operator` {
        case .in: wire.operator = .in
        case .notIn: wire.operator = .notIn
        case .exists: wire.operator = .exists
        case .doesNotExist: wire.operator = .doesNotExist
        case .greaterThan: wire.operator = .greaterThan
        case .lessThan: wire.operator = .lessThan
        case .containsAll: wire.operator = .containsAll
        case .containsAny: wire.operator = .containsAny
        }
        wire.values = values.map(\.wire)
        if let itemSelector { wire.itemSelector = itemSelector.wire }
        return wire
    }
}

extension MargoParameter {
    init(wire: Eos_Margo_V1_MargoParameter, at path: WirePath) throws(MargoError) {
        self.init(
            value: wire.hasValue ? try MargoValue(wire: wire.value, at: path.appending("value")) : nil,
            targets: wire.targets.map { MargoParameterTarget(pointer: $0.pointer, components: $0.components) })
    }

    var wire: Eos_Margo_V1_MargoParameter {
        var wire = Eos_Margo_V1_MargoParameter()
        if let value { wire.value = value.wire }
        wire.targets = targets.map { target in
            var wire = Eos_Margo_V1_MargoParameterTarget()
            wire.pointer = target.pointer
            wire.components = target.components
            return wire
        }
        return wire
    }
}

extension MargoConfiguration {
    init(wire: Eos_Margo_V1_MargoConfiguration, at path: WirePath) throws(MargoError) {
        self.init(
            sections: wire.sections.map { section in
                MargoConfigurationSection(
                    name: section.name,
                    settings: section.settings.map { setting in
                        MargoConfigurationSetting(
                            parameter: setting.parameter, name: setting.name,
                            description: setting.hasDescription_p ? setting.description_p : nil,
                            immutable: setting.hasImmutable ? setting.immutable : nil, schema: setting.schema)
                    })
            },
            schema: try path.each("schema", wire.schema) { (schema, path) throws(MargoError) in
                try MargoParameterSchema(wire: schema, at: path)
            })
    }

    var wire: Eos_Margo_V1_MargoConfiguration {
        var wire = Eos_Margo_V1_MargoConfiguration()
        wire.sections = sections.map { section in
            var wire = Eos_Margo_V1_MargoConfigurationSection()
            wire.name = section.name
            wire.settings = section.settings.map { setting in
                var wire = Eos_Margo_V1_MargoConfigurationSetting()
                wire.parameter = setting.parameter
                wire.name = setting.name
                if let description = setting.description { wire.description_p = description }
                if let immutable = setting.immutable { wire.immutable = immutable }
                wire.schema = setting.schema
                return wire
            }
            return wire
        }
        wire.schema = schema.map(\.wire)
        return wire
    }
}

extension MargoParameterSchema {
    /// Decodes a schema; `dataType` is required.
    init(wire: Eos_Margo_V1_MargoParameterSchema, at path: WirePath) throws(MargoError) {
        let dataType: MargoDataType
        switch wire.dataType {
        case .string: dataType = .string
        case .integer: dataType = .integer
        case .double: dataType = .double
        case .boolean: dataType = .boolean
        case .stringArray: dataType = .stringArray
        case .integerArray: dataType = .integerArray
        case .doubleArray: dataType = .doubleArray
        case .booleanArray: dataType = .booleanArray
        case .unspecified, .UNRECOGNIZED: throw path.appending("dataType").unknownEnum(wire.dataType.rawValue)
        }
        func integer(_ field: String, _ value: Int64, present: Bool) throws(MargoError) -> Int? {
            guard present else { return nil }
            guard let value = Int(exactly: value) else {
                throw path.appending(field).invalid("\(value) does not fit this platform's integers")
            }
            return value
        }
        self.init(
            name: wire.name, dataType: dataType, allowEmpty: wire.hasAllowEmpty ? wire.allowEmpty : nil,
            minLength: try integer("minLength", wire.minLength, present: wire.hasMinLength),
            maxLength: try integer("maxLength", wire.maxLength, present: wire.hasMaxLength),
            regexMatch: wire.hasRegexMatch ? wire.regexMatch : nil,
            minValue: wire.hasMinValue ? try MargoValue(wire: wire.minValue, at: path.appending("minValue")) : nil,
            maxValue: wire.hasMaxValue ? try MargoValue(wire: wire.maxValue, at: path.appending("maxValue")) : nil,
            minPrecision: try integer("minPrecision", wire.minPrecision, present: wire.hasMinPrecision),
            maxPrecision: try integer("maxPrecision", wire.maxPrecision, present: wire.hasMaxPrecision),
            multiselect: wire.hasMultiselect ? wire.multiselect : nil,
            options: wire.hasOptions ? try MargoValue.list(wire: wire.options, at: path.appending("options")) : nil)
    }

    var wire: Eos_Margo_V1_MargoParameterSchema {
        var wire = Eos_Margo_V1_MargoParameterSchema()
        wire.name = name
        switch dataType {
        case .string: wire.dataType = .string
        case .integer: wire.dataType = .integer
        case .double: wire.dataType = .double
        case .boolean: wire.dataType = .boolean
        case .stringArray: wire.dataType = .stringArray
        case .integerArray: wire.dataType = .integerArray
        case .doubleArray: wire.dataType = .doubleArray
        case .booleanArray: wire.dataType = .booleanArray
        }
        if let allowEmpty { wire.allowEmpty = allowEmpty }
        if let minLength { wire.minLength = Int64(minLength) }
        if let maxLength { wire.maxLength = Int64(maxLength) }
        if let regexMatch { wire.regexMatch = regexMatch }
        if let minValue { wire.minValue = minValue.wire }
        if let maxValue { wire.maxValue = maxValue.wire }
        if let minPrecision { wire.minPrecision = Int64(minPrecision) }
        if let maxPrecision { wire.maxPrecision = Int64(maxPrecision) }
        if let multiselect { wire.multiselect = multiselect }
        if let options { wire.options = MargoValue.wireList(options) }
        return wire
    }
}
