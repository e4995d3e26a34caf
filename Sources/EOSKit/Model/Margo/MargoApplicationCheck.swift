/// Checks a Margo application reference against its description and resolves it, collecting every problem.
///
/// The refusal of a profile EOS cannot run comes last, after every other check, so a user sees the real problems
/// of a deployment too, not only that EOS cannot run it yet.
struct MargoApplicationCheck {
    /// The problems found, and the resolution when the profile exists.
    struct Outcome {
        var problems: [ValidationProblem]
        var resolved: ResolvedMargoApplication?
        /// Whether the profile was refused because EOS cannot run its type.
        var refused: Bool
    }

    let reference: MargoApplicationReference
    let description: ApplicationDescription
    /// Where the reference sits in its document.
    let path: DocumentPath
    let runnableTypes: Set<MargoDeploymentProfileType>

    private var configuration: MargoConfiguration { description.configuration ?? MargoConfiguration() }

    func run() -> Outcome {
        var problems: [ValidationProblem] = []
        if case .inline = reference.description {
            problems += description.validationProblems().map { $0.nested(under: path.appending("description")) }
        }
        let namedID = reference.description.applicationId
        if namedID != description.id {
            problems.append(
                ValidationProblem(
                    path: path.appending("description"),
                    message: "names application \"\(namedID)\", but the description given is \"\(description.id)\""))
        }
        let profile = description.profile(withID: reference.profile)
        if reference.profile.isEmpty {
            problems.append(ValidationProblem(path: path.appending("profile"), message: "required"))
        } else if profile == nil {
            problems.append(
                ValidationProblem(
                    path: path.appending("profile"),
                    message: MargoRules.unknownName(
                        "deployment profile", reference.profile, in: "application \(description.id)",
                        known: description.deploymentProfiles.map(\.id))))
        }
        problems += givenValueProblems()
        // Which parameters are needed depends on the profile: with an unknown one, say nothing about them.
        guard let profile else { return Outcome(problems: problems, resolved: nil, refused: false) }
        problems += missingValueProblems(profile: profile)
        let resolved = resolve(profile)
        guard runnableTypes.contains(profile.type) else {
            problems.append(
                ValidationProblem(
                    path: path.appending("profile"),
                    message: "deployment profile \"\(profile.id)\" has type \(profile.type.rawValue), which EOS cannot "
                        + "run yet; EOS runs FleetDeployment workloads (container or process)"))
            return Outcome(problems: problems, resolved: resolved, refused: true)
        }
        return Outcome(problems: problems, resolved: resolved, refused: false)
    }

    /// Each given value names a parameter of the description and satisfies the schemas of its settings.
    private func givenValueProblems() -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        let known = description.parameters.keys.sorted()
        for name in reference.parameters.keys.sorted() {
            let parameterPath = path.appending("parameters").appending(name)
            guard description.parameters[name] != nil else {
                problems.append(
                    ValidationProblem(
                        path: parameterPath,
                        message: MargoRules.unknownName(
                            "parameter", name, in: "application \(description.id)", known: known)))
                continue
            }
            for case (_, let schema?) in configuration.settings(for: name) {
                for message in schema.violations(of: reference.parameters[name]) {
                    problems.append(ValidationProblem(path: parameterPath, message: message))
                }
            }
        }
        return problems
    }

    /// Parameters a schema requires, that have no default and were not given. A parameter whose targets all lie in
    /// other profiles is not needed by this one.
    private func missingValueProblems(profile: MargoDeploymentProfile) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        let profileComponents = Set(profile.components.map(\.name))
        for name in description.parameters.keys.sorted() where reference.parameters[name] == nil {
            let parameter = description.parameters[name]!
            if let value = parameter.value, !value.isEmpty { continue }
            if !parameter.targets.contains(where: { !profileComponents.isDisjoint(with: $0.components) }) {
                continue
            }
            guard
                let (setting, schema) = configuration.settings(for: name).lazy
                    .compactMap({ entry in entry.schema.map { (entry.setting, $0) } })
                    .first(where: { $0.1.requiresValue })
            else { continue }
            problems.append(
                ValidationProblem(
                    path: path.appending("parameters").appending(name),
                    message: "required: parameter \"\(name)\" (setting \"\(setting.name)\", schema \(schema.name)) "
                        + "has no default value; give one"))
        }
        return problems
    }

    /// The description's defaults overlaid with the given values, and what each component of `profile` receives.
    private func resolve(_ profile: MargoDeploymentProfile) -> ResolvedMargoApplication {
        var effective: [String: MargoValue] = [:]
        for (name, parameter) in description.parameters {
            if let value = reference.parameters[name] ?? parameter.value { effective[name] = value }
        }
        let components = profile.components.map { component in
            var values: [String: MargoValue] = [:]
            for name in effective.keys.sorted() {
                for target in description.parameters[name]!.targets where target.components.contains(component.name) {
                    values[target.pointer] = effective[name]
                }
            }
            return ResolvedMargoApplication.Component(component: component, values: values)
        }
        return ResolvedMargoApplication(
            applicationId: description.id, profile: profile, parameters: effective, components: components)
    }
}
