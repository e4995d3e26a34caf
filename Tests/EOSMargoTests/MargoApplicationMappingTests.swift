import EOSModel
import Foundation
import Testing

@testable import EOSMargo

@Suite("Margo application mapping")
struct MargoApplicationMappingTests {
    /// The Margo specification's valid ApplicationDescription examples, beside the repository clone.
    static let descriptionFolder = MappingFixtures.repositoryRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/testdata/margo/application-description/valid", isDirectory: true)

    static func descriptionNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: descriptionFolder.path).filter { $0.hasSuffix(".yaml") }
            .sorted()
    }

    @Test("the specification's example descriptions are there")
    func examplesPresent() throws {
        #expect(try Self.descriptionNames().count >= 3)
    }

    @Test("every example ApplicationDescription survives the wire inline", arguments: try descriptionNames())
    func inlineDescription(name: String) throws {
        let text = try String(contentsOf: Self.descriptionFolder.appendingPathComponent(name), encoding: .utf8)
        let description = try ApplicationDescription(yaml: text)
        let profile = try #require(description.deploymentProfiles.first?.id)
        let reference = MargoApplicationReference(
            description: .inline(description), profile: profile,
            parameters: ["greeting": "Hi", "replicas": 3, "ratio": 0.75, "debug": false, "hosts": ["a", "b"]])
        let spec = FleetDeploymentSpec(application: reference)
        let desired = FleetDesiredState(deployment: "hello-world", generation: 1, spec: spec)
        try expectRoundTrip(desired, encode: { $0.wire }) { (wire) throws(MargoError) in
            try FleetDesiredState(wire: wire)
        }
        #expect(try ApplicationDescription(wire: description.wire, at: "description") == description)
    }

    @Test("a description whose id is in metadata keeps it there")
    func metadataPlacement() throws {
        var description = ApplicationDescription(
            apiVersion: "margo.org/v1-alpha1", id: "com-example-app",
            metadata: MargoApplicationMetadata(
                id: "com-example-app", name: "Example", description: "An example", version: "1.0",
                catalog: MargoCatalog(
                    application: MargoCatalogApplication(icon: "icon.png", tagline: "Does things", tags: ["demo"]),
                    author: [MargoAuthor(name: "Ada", email: "ada@example.com")],
                    organization: [MargoOrganization(name: "Example Inc", site: "https://example.com")])),
            deploymentProfiles: [
                MargoDeploymentProfile(
                    type: .compose, id: "com-example-app-compose", description: "Compose",
                    components: [
                        MargoComponent(name: "app", properties: ["packageLocation": "https://example.com/app.tar.gz"])
                    ],
                    requiredResources: MargoResourceRequirements(
                        cpu: MargoCPURequirement(cores: 1.5, architectures: ["amd64", "arm64"]), memory: "512Mi",
                        storage: "1Gi", peripherals: [MargoPeripheral(type: "gpu", manufacturer: "NVIDIA")],
                        interfaces: [MargoCommunicationInterface(type: "ethernet")]),
                    deviceConstraints: MargoDeviceConstraints(
                        capacityRequirements: MargoResourceRequirements(memory: "256Mi"),
                        eligibilityRules: [
                            MargoEligibilityRule(
                                propertySelector: MargoSelector(matchExpressions: [
                                    MargoMatchExpression(
                                        key: "/supportedRuntimes", operator: .containsAny,
                                        itemSelector: MargoSelector(matchExpressions: [
                                            MargoMatchExpression(key: "", operator: .in, values: ["oci", "containerd"])
                                        ])),
                                    MargoMatchExpression(key: "/cpus/0/cores", operator: .greaterThan, values: [2]),
                                ]),
                                labelSelector: MargoSelector(matchExpressions: [
                                    MargoMatchExpression(key: "site", operator: .exists)
                                ]))
                        ]))
            ],
            parameters: [
                "greeting": MargoParameter(
                    value: "Hello", targets: [MargoParameterTarget(pointer: "ENV.GREETING", components: ["app"])]),
                "port": MargoParameter(targets: [MargoParameterTarget(pointer: "ENV.PORT", components: ["app"])]),
            ],
            configuration: MargoConfiguration(
                sections: [
                    MargoConfigurationSection(
                        name: "General",
                        settings: [
                            MargoConfigurationSetting(
                                parameter: "greeting", name: "Greeting", description: "What to say", immutable: false,
                                schema: "text"),
                            MargoConfigurationSetting(parameter: "port", name: "Port", schema: "port"),
                        ])
                ],
                schema: [
                    MargoParameterSchema(
                        name: "text", dataType: .string, allowEmpty: false, minLength: 1, maxLength: 64,
                        regexMatch: "^[A-Za-z ]+$"),
                    MargoParameterSchema(name: "port", dataType: .integer, minValue: 1, maxValue: 65535),
                    MargoParameterSchema(name: "ratio", dataType: .double, minPrecision: 1, maxPrecision: 3),
                    MargoParameterSchema(
                        name: "modes", dataType: .stringArray, multiselect: true, options: ["fast", "safe"]),
                ]))
        description.idPlacement = .metadata
        let back = try ApplicationDescription(wire: description.wire, at: "description")
        #expect(back == description)
        #expect(back.idPlacement == .metadata)
        let reference = MargoApplicationReference(description: .inline(description), profile: "com-example-app-compose")
        try expectRoundTrip(reference, encode: { $0.wire }) { (wire) throws(MargoError) in
            try MargoApplicationReference(wire: wire, at: "application")
        }
    }

    @Test("Margo values keep the type they were written with")
    func values() throws {
        let values: [MargoValue] = [
            "4", 4, 4.0, 0.1, true, "true", [], ["a", 1, 2.5, false, [["nested"]]], .integer(.max), .integer(.min),
        ]
        for value in values {
            try expectRoundTrip(value, encode: { $0.wire }) { (wire) throws(MargoError) in
                try MargoValue(wire: wire, at: "value")
            }
        }
    }

    @Test("a description named by id survives the wire")
    func byID() throws {
        let reference = MargoApplicationReference(
            description: .id("com-northstartida-digitron-orchestrator"),
            profile: "com-northstartida-digitron-orchestrator-compose-a", parameters: ["pollFrequency": 120])
        try expectRoundTrip(reference, encode: { $0.wire }) { (wire) throws(MargoError) in
            try MargoApplicationReference(wire: wire, at: "application")
        }
        #expect(reference.wire.applicationID == "com-northstartida-digitron-orchestrator")
    }
}
