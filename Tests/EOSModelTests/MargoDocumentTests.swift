import Foundation
import Testing

@testable import EOSModel

/// The Margo documents' shapes and rules beyond the specification's examples.
@Suite("Margo documents")
struct MargoDocumentTests {
    /// The printed problems of a document that must be refused.
    static func problems<T: EOSDocument>(_ type: T.Type, _ yaml: String) -> [String] {
        do {
            let value = try T(yaml: yaml)
            Issue.record("expected \(T.self) to be refused, read \(value)")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    static let minimalDescription = """
        id: com-example-app
        metadata: {name: App, version: 1.0.0}
        deploymentProfiles:
          - type: compose
            id: app-compose
            components: [{name: app, properties: {repository: oci://example.com/app, revision: 1.0.0}}]
        """

    @Test("an older description with metadata.id reads and writes back there; helm.v3 reads as helm")
    func legacyDescriptionID() throws {
        let text = """
            apiVersion: margo.org/v1-alpha1
            kind: ApplicationDescription
            metadata: {id: com-example-old, name: Old, version: "0.1"}
            deploymentProfiles:
              - type: helm.v3
                id: old-helm
                components: [{name: old, properties: {repository: oci://example.com/old, revision: 0.1.0}}]
            """
        let description = try ApplicationDescription(yaml: text)
        #expect(description.id == "com-example-old")
        #expect(description.idPlacement == .metadata)
        #expect(description.deploymentProfiles.first?.type == .helm)
        let yaml = try description.yamlString()
        #expect(!yaml.contains("\nid:"))
        #expect(yaml.contains("metadata:\n  id: com-example-old\n"))
        #expect(try ApplicationDescription(yaml: yaml) == description)
    }

    @Test("a description without an id is refused at id")
    func descriptionWithoutID() {
        let text = Self.minimalDescription.replacingOccurrences(of: "id: com-example-app\n", with: "")
        #expect(Self.problems(ApplicationDescription.self, text) == ["id: required (1:1)"])
    }

    @Test("a description's references are checked")
    func descriptionRules() {
        let text = """
            id: com-example-app
            metadata: {name: App, version: 1.0.0}
            deploymentProfiles:
              - type: compose
                id: app
                components:
                  - {name: web, properties: {}}
                  - {name: web, properties: {}}
              - {type: kubernetes, id: app, components: [{name: db, properties: {}}]}
            parameters:
              port:
                value: 80
                targets: [{pointer: PORT, components: [webb]}]
            configuration:
              sections:
                - name: General
                  settings:
                    - {parameter: port, name: Port, schema: portRange}
                    - {parameter: host, name: Host, schema: text}
              schema:
                - {name: portRange, dataType: integer, minValue: 1024, maxValue: 65535}
                - {name: text, dataType: text}
            """
        #expect(
            Self.problems(ApplicationDescription.self, text) == [
                "deploymentProfiles[0].components[1].name: duplicate component name \"web\" "
                    + "(also at deploymentProfiles[0].components[0]) (8:16)",
                "deploymentProfiles[1].type: unknown value \"kubernetes\"; expected one of helm, compose (9:12)",
                "parameters.port.value: 80 is less than the minimum 1024 (schema portRange) (12:12)",
                "parameters.port.targets[0].components[0]: unknown component \"webb\"; did you mean \"web\"? (13:44)",
                "configuration.sections[0].settings[1].parameter: unknown parameter \"host\"; known: port (19:23)",
                "configuration.schema[1].dataType: unknown value \"text\"; expected one of string, integer, double, "
                    + "boolean, array[string], array[integer], array[double], array[boolean] (22:30)",
            ])
    }

    @Test("an rc.3 deployment needs a device id, and its parameters point at its own components")
    func deploymentRules() {
        let text = """
            id: ad9b614e-8912-45f4-a523-372358765def
            metadata: {name: app, namespace: apps}
            spec:
              applicationId: com-example-app
              deploymentProfile:
                type: compose
                components: [{name: app, properties: {repository: oci://example.com/app, revision: 1.0.0}}]
              parameters:
                port: {value: 8080, targets: [{pointer: PORT, components: [web]}]}
            """
        #expect(
            Self.problems(ApplicationDeployment.self, text) == [
                "metadata.deviceId: required: name the device the deployment is for (2:1)",
                "spec.parameters.port.targets[0].components[0]: unknown component \"web\"; known: app (9:64)",
            ])
    }

    @Test("a deployment written in code encodes in the shape asked for")
    func deploymentInCode() throws {
        let profile = ApplicationDeploymentProfile(
            type: .compose, components: [MargoComponent(name: "app", properties: ["revision": "1.0.0"])])
        var deployment = ApplicationDeployment(
            id: "ad9b614e-8912-45f4-a523-372358765def", applicationId: "com-example-app",
            metadata: ApplicationDeploymentMetadata(name: "app", namespace: "apps", deviceId: "gateway-01/*"),
            deploymentProfile: profile)
        #expect(deployment.validationProblems() == [])
        #expect(try ApplicationDeployment(yaml: try deployment.yamlString()) == deployment)
        deployment = ApplicationDeployment(
            shape: .v1alpha1, id: deployment.id, applicationId: deployment.applicationId,
            metadata: ApplicationDeploymentMetadata(name: "app"), deploymentProfile: profile)
        let yaml = try deployment.yamlString()
        #expect(yaml.hasPrefix("apiVersion: application.margo.org/v1alpha1\nkind: ApplicationDeployment\n"))
        #expect(try ApplicationDeployment(yaml: yaml) == deployment)
    }

    @Test("an rc.3 status report is recognised by its shape and keeps adoptedManifestVersion")
    func rc3Status() throws {
        let text = """
            {"deploymentId": "a3e2f5dc-912e-494f-8395-52cf3769bc06", "deviceId": "edge-01",
             "adoptedManifestVersion": 18446744073709551615,
             "status": {"state": "failed", "error": {"code": "E1", "message": "pull failed", "source": "runtime"}},
             "components": [{"name": "app", "state": "failed"}]}
            """
        let root = try #require(ParsedDocument.parseStream(text).first?.root)
        #expect(try DocumentKind.recognise(root).get() == .deploymentStatus)
        let status = try DeploymentStatusManifest(yaml: text)
        #expect(status.adoptedManifestVersion == UInt64.max)
        #expect(status.status.error?.source == "runtime")
        #expect(status.kind == nil)
        #expect(try DeploymentStatusManifest(yaml: try status.yamlString()) == status)
        #expect(
            Self.problems(
                DeploymentStatusManifest.self, text.replacingOccurrences(of: "18446744073709551615", with: "0"))
                == ["adoptedManifestVersion: must be at least 1, found 0 (2:28)"])
    }

    @Test("an rc.3 capabilities report reads, with labels")
    func rc3Capabilities() throws {
        let text = """
            properties:
              id: gateway-01/edge-01
              vendor: Acme
              modelNumber: X1
              serialNumber: S1
              cpus: [{cores: 4, architecture: arm64}]
              memory: 8Gi
              storage: 64Gi
              peripherals: [{type: camera}]
              interfaces: [{type: ethernet}]
              otelCollector: true
              supportedRuntimes: [oci]
              supportedDeploymentTypes: [compose]
            labels: {site: plant-3, line: 4, gpu: false, zones: [a, b]}
            """
        let report = try DeviceCapabilitiesManifest(yaml: text)
        #expect(report.properties.cpus == [MargoDeviceCPU(cores: 4, architecture: "arm64")])
        #expect(report.labels["zones"] == ["a", "b"])
        #expect(report.documentName == "gateway-01/edge-01")
        #expect(try DeviceCapabilitiesManifest(yaml: try report.yamlString()) == report)
    }

    @Test("a desired-state manifest with no deployments has a null bundle")
    func emptyManifest() throws {
        let manifest = try DesiredStateManifest(yaml: #"{"manifestVersion": 1, "bundle": null, "deployments": []}"#)
        #expect(manifest.bundle == nil)
        let yaml = try manifest.yamlString()
        #expect(yaml.contains("bundle: null"))
        #expect(try DesiredStateManifest(yaml: yaml) == manifest)
    }

    @Test("a desired-state manifest's references are checked")
    func manifestRules() {
        let text = """
            manifestVersion: 2
            bundle: {mediaType: application/vnd.margo.bundle.v1+tar+gzip, digest: sha256:ABC, url: /b}
            deployments:
              - deploymentId: not-a-uuid
                digest: sha256:01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b
                url: /d
            """
        #expect(
            Self.problems(DesiredStateManifest.self, text) == [
                "bundle.digest: \"sha256:ABC\" is not a digest: write sha256: followed by 64 lower-case hex digits "
                    + "(2:71)",
                "deployments[0].deploymentId: \"not-a-uuid\" is not a UUID "
                    + "(such as a3e2f5dc-912e-494f-8395-52cf3769bc06) (4:19)",
            ])
    }

    @Test("the Margo deployment states are the six Margo words")
    func states() {
        #expect(
            MargoDeploymentState.allCases.map(\.rawValue) == [
                "pending", "installing", "installed", "failed", "removing", "removed",
            ])
    }
}
