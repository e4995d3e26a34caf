import Testing

@testable import EOSModel

/// `spec.application`: a Margo application reference checked and resolved against its description.
@Suite("Margo application references")
struct MargoApplicationReferenceTests {
    static let descriptionYAML = """
        apiVersion: margo.org/v1-alpha1
        kind: ApplicationDescription
        id: com-example-hello
        metadata: {name: Hello, version: "1.0"}
        deploymentProfiles:
          - type: helm
            id: hello-helm
            components:
              - name: hello
                properties: {repository: oci://example.com/charts/hello, revision: 1.0.1, wait: true}
          - type: compose
            id: hello-compose
            components:
              - name: hello-compose
                properties: {repository: oci://example.com/compose/hello, revision: 1.0.1}
        parameters:
          greeting:
            value: Hello
            targets:
              - {pointer: config.greeting, components: [hello]}
              - {pointer: GREETING, components: [hello-compose]}
          pollFrequency:
            value: 30
            targets: [{pointer: settings.poll, components: [hello]}]
          adminEmail:
            targets:
              - {pointer: admin.email, components: [hello]}
              - {pointer: ADMIN_EMAIL, components: [hello-compose]}
          composeOnly:
            targets: [{pointer: ONLY, components: [hello-compose]}]
          ratio:
            value: 0.5
            targets: [{pointer: settings.ratio, components: [hello]}]
        configuration:
          sections:
            - name: General
              settings:
                - {parameter: greeting, name: Greeting, schema: text}
                - {parameter: pollFrequency, name: Poll Frequency, schema: pollRange}
                - {parameter: adminEmail, name: Admin Email, schema: email}
                - {parameter: composeOnly, name: Compose Only, schema: text}
                - {parameter: ratio, name: Ratio, schema: ratioRange}
          schema:
            - {name: text, dataType: string, maxLength: 10, allowEmpty: false}
            - {name: pollRange, dataType: integer, minValue: 30, maxValue: 360, allowEmpty: false}
            - {name: email, dataType: string, regexMatch: '^[^@]+@[a-z0-9.-]+$', allowEmpty: false}
            - {name: ratioRange, dataType: double, minValue: 0, maxValue: 1, maxPrecision: 2, allowEmpty: true}
        """

    static let refusal =
        "deployment profile \"hello-helm\" has type helm, which EOS cannot run yet; "
        + "EOS runs FleetDeployment workloads (container or process)"

    static func description() throws -> ApplicationDescription {
        try ApplicationDescription(yaml: descriptionYAML)
    }

    static func reference(
        profile: String = "hello-helm", _ parameters: [String: MargoValue] = ["adminEmail": "admin@example.com"]
    ) -> MargoApplicationReference {
        MargoApplicationReference(description: .id("com-example-hello"), profile: profile, parameters: parameters)
    }

    /// The problems of a resolution that must fail, by printed path.
    static func problems(_ result: Result<ResolvedMargoApplication, DocumentError>) throws -> [String: [String]] {
        guard case .failure(let error) = result else {
            Issue.record("expected the resolution to fail")
            return [:]
        }
        return Dictionary(grouping: error.problems, by: { $0.path.description }).mapValues { $0.map(\.message) }
    }

    @Test("the description's own example is valid")
    func descriptionIsValid() throws {
        #expect(try Self.description().validationProblems() == [])
    }

    @Test("a reference with nothing else wrong is refused alone, with code unsupported")
    func unsupportedProfile() throws {
        let result = Self.reference().resolve(against: try Self.description())
        guard case .failure(let error) = result else {
            Issue.record("EOS cannot run Margo profiles yet; resolution must fail")
            return
        }
        #expect(error.code == .unsupported)
        #expect(error.problems.count == 1)
        #expect(error.problems.first?.description == "spec.application.profile: \(Self.refusal)")
    }

    @Test("an unknown parameter is reported with the nearest name, and the refusal still comes last")
    func unknownParameter() throws {
        let result = Self.reference(["greting": "Hi", "adminEmail": "admin@example.com"])
            .resolve(against: try Self.description())
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .invalid)
        let problem = try #require(
            error.problems.first { $0.path.description == "spec.application.parameters.greting" })
        #expect(
            problem.message
                == "unknown parameter \"greting\" in application com-example-hello; did you mean \"greeting\"?")
        #expect(error.problems.last?.message == Self.refusal)
    }

    @Test("values are checked against their schemas")
    func badValues() throws {
        let description = try Self.description()
        let problems = try Self.problems(
            Self.reference([
                "pollFrequency": 5, "adminEmail": "nobody", "greeting": "Hello there, world", "ratio": 0.125,
            ]).resolve(against: description))
        #expect(
            problems["spec.application.parameters.pollFrequency"] == [
                "5 is less than the minimum 30 (schema pollRange)"
            ])
        #expect(
            problems["spec.application.parameters.adminEmail"] == [
                "\"nobody\" does not match ^[^@]+@[a-z0-9.-]+$ (schema email)"
            ])
        #expect(
            problems["spec.application.parameters.greeting"] == [
                "\"Hello there, world\" is longer than 10 characters (schema text)"
            ])
        #expect(
            problems["spec.application.parameters.ratio"] == [
                "0.125 has more than 2 digits after the decimal point (schema ratioRange)"
            ])

        let typeProblems = try Self.problems(
            Self.reference(["pollFrequency": "often", "adminEmail": "", "ratio": true]).resolve(against: description))
        #expect(
            typeProblems["spec.application.parameters.pollFrequency"] == [
                "expected an integer, found \"often\" (schema pollRange)"
            ])
        #expect(
            typeProblems["spec.application.parameters.adminEmail"] == [
                "required: schema email does not allow an empty value"
            ])
        #expect(
            typeProblems["spec.application.parameters.ratio"] == ["expected a number, found true (schema ratioRange)"])
    }

    @Test("quoted numbers, as Margo deployments write them, satisfy numeric schemas")
    func quotedNumbers() throws {
        let problems = try Self.problems(
            Self.reference(["pollFrequency": "120", "ratio": "0.25", "adminEmail": "a@b.c"])
                .resolve(against: try Self.description()))
        #expect(problems == ["spec.application.profile": [Self.refusal]])
    }

    @Test("a required parameter with no default must be given, if the profile uses it")
    func missingRequired() throws {
        let description = try Self.description()
        let helm = try Self.problems(Self.reference([:]).resolve(against: description))
        #expect(
            helm["spec.application.parameters.adminEmail"] == [
                "required: parameter \"adminEmail\" (setting \"Admin Email\", schema email) has no default value; "
                    + "give one"
            ])
        // composeOnly targets only the compose profile's component.
        #expect(helm["spec.application.parameters.composeOnly"] == nil)
        let compose = try Self.problems(
            Self.reference(profile: "hello-compose", ["adminEmail": "a@b.c"]).resolve(against: description))
        #expect(
            compose["spec.application.parameters.composeOnly"]?.first?.hasPrefix("required: parameter \"composeOnly\"")
                == true)
    }

    @Test("an unknown profile is reported with the nearest id, and nothing is refused")
    func unknownProfile() throws {
        let result = Self.reference(profile: "hello-helmm").resolve(against: try Self.description())
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .invalid)
        #expect(
            error.problems.map(\.description) == [
                "spec.application.profile: unknown deployment profile \"hello-helmm\" in application "
                    + "com-example-hello; did you mean \"hello-helm\"?"
            ])
    }

    @Test("a reference naming another application is refused")
    func otherApplication() throws {
        let reference = MargoApplicationReference(
            description: .id("com-example-other"), profile: "hello-helm", parameters: ["adminEmail": "a@b.c"])
        let problems = try Self.problems(reference.resolve(against: try Self.description(), at: ["application"]))
        #expect(
            problems["application.description"] == [
                "names application \"com-example-other\", but the description given is \"com-example-hello\""
            ])
    }

    @Test("a runnable profile resolves to defaults overlaid with the given values, per component")
    func resolution() throws {
        let result = Self.reference(["greeting": "Hi", "adminEmail": "a@b.c"])
            .resolve(against: try Self.description(), at: ["spec", "application"], runnableTypes: [.helm])
        let resolved = try result.get()
        #expect(resolved.applicationId == "com-example-hello")
        #expect(resolved.profile.id == "hello-helm")
        #expect(resolved.parameters == ["greeting": "Hi", "pollFrequency": 30, "adminEmail": "a@b.c", "ratio": 0.5])
        #expect(resolved.components.map(\.component.name) == ["hello"])
        #expect(
            resolved.components.first?.values == [
                "config.greeting": "Hi", "settings.poll": 30, "admin.email": "a@b.c", "settings.ratio": 0.5,
            ])
    }

    @Test("an inline description is checked where it sits in a FleetDeployment, with lines")
    func inlineInFleetDeployment() throws {
        let indented = Self.descriptionYAML.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "      " + $0 }.joined(separator: "\n")
        let text = """
            apiVersion: eos/v1
            kind: FleetDeployment
            metadata: {name: hello}
            spec:
              application:
                profile: hello-helm
                parameters: {greting: Hi, adminEmail: a@b.c}
                description:
            \(indented)
            """
        do {
            let deployment = try FleetDeployment(yaml: text)
            Issue.record("expected a refusal, read \(deployment)")
        } catch {
            let byPath = Dictionary(grouping: error.problems, by: \.path.description)
            let unknown = try #require(byPath["spec.application.parameters.greting"]?.first)
            #expect(unknown.location?.line == 7)
            let refusal = try #require(byPath["spec.application.profile"]?.first)
            #expect(refusal.message == Self.refusal)
            #expect(refusal.location?.line == 6)
            #expect(error.problems.count == 2, "\(error)")
        }
    }

    @Test("an application named by id passes FleetDeployment validation; resolution happens later")
    func byIDInFleetDeployment() throws {
        let text = """
            apiVersion: eos/v1
            kind: FleetDeployment
            metadata: {name: hello}
            spec:
              application:
                description: com-example-hello
                profile: hello-helm
                parameters: {greeting: Hi, pollFrequency: 60, wait: "true"}
            """
        let deployment = try FleetDeployment(yaml: text)
        let application = try #require(deployment.spec.application)
        #expect(application.description == .id("com-example-hello"))
        #expect(application.parameters == ["greeting": "Hi", "pollFrequency": 60, "wait": "true"])
        #expect(try FleetDeployment(yaml: try deployment.yamlString()) == deployment)
    }

    @Test("a bad application id is reported at description")
    func badID() throws {
        let text = """
            apiVersion: eos/v1
            kind: FleetDeployment
            metadata: {name: hello}
            spec:
              application: {description: Not_An_Id, profile: p}
            """
        #expect(throws: DocumentError.self) { try FleetDeployment(yaml: text) }
        do {
            _ = try FleetDeployment(yaml: text)
        } catch {
            #expect(error.problems.map(\.path.description) == ["spec.application.description"])
        }
    }
}
