import Testing

@testable import EOSModel

@Suite("ImageReference")
struct ImageReferenceTests {
    static let digest = "sha256:9b2a6c1f3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"

    struct Case: Sendable, CustomStringConvertible {
        let text: String
        let registry: String?
        let repository: String
        let tag: String?
        let digest: String?
        var description: String { text }
    }

    static let valid: [Case] = [
        Case(text: "busybox", registry: nil, repository: "busybox", tag: nil, digest: nil),
        Case(text: "vision/detector:1.4.2", registry: nil, repository: "vision/detector", tag: "1.4.2", digest: nil),
        Case(
            text: "registry.local/vision/detector:1.4.2", registry: "registry.local", repository: "vision/detector",
            tag: "1.4.2", digest: nil),
        Case(
            text: "registry.local:5000/vision/detector:1.4.2", registry: "registry.local:5000",
            repository: "vision/detector", tag: "1.4.2", digest: nil),
        Case(text: "localhost/app", registry: "localhost", repository: "app", tag: nil, digest: nil),
        Case(text: "localhost:5000/app:v1", registry: "localhost:5000", repository: "app", tag: "v1", digest: nil),
        Case(text: "app@\(digest)", registry: nil, repository: "app", tag: nil, digest: digest),
        Case(
            text: "docker.io/library/nginx:1.25-alpine@\(digest)", registry: "docker.io", repository: "library/nginx",
            tag: "1.25-alpine", digest: digest),
        Case(
            text: "ghcr.io/acme/plc_bridge__x:2024.06", registry: "ghcr.io", repository: "acme/plc_bridge__x",
            tag: "2024.06", digest: nil),
        Case(
            text: "quay.io/a.b-c/d:Latest_1", registry: "quay.io", repository: "a.b-c/d", tag: "Latest_1", digest: nil),
        Case(text: "app:_private", registry: nil, repository: "app", tag: "_private", digest: nil),
        // As in Docker, a first part with an upper-case letter is a registry host, and host names ignore case.
        Case(text: "Registry.Local/app", registry: "Registry.Local", repository: "app", tag: nil, digest: nil),
    ]

    @Test(arguments: valid)
    func parses(expected: Case) throws {
        let reference = try ImageReference.parse(expected.text).get()
        #expect(reference.registry == expected.registry)
        #expect(reference.repository == expected.repository)
        #expect(reference.tag == expected.tag)
        #expect(reference.digest == expected.digest)
        #expect(reference.description == expected.text)
    }

    @Test(arguments: [
        ("registry.local/Vision/Detector:1.4.2", "is not a valid image reference"),
        ("vision/Detector", "is not a valid image reference"),
        ("registry.local/vision/Detector", "is not a valid image reference"),
        ("app:", "has an invalid tag \"\""),
        ("app:-rc1", "has an invalid tag \"-rc1\""),
        ("app:.hidden", "has an invalid tag \".hidden\""),
        ("app:v1+build", "has an invalid tag \"v1+build\""),
        ("app:" + String(repeating: "a", count: 129), "has an invalid tag"),
        ("app:1.0:2", "is not a valid image reference"),
        ("app@sha256:4f1c2d", "has an invalid digest"),
        ("app@sha256:" + String(repeating: "A", count: 64), "has an invalid digest"),
        ("app@md5", "has an invalid digest"),
        ("app@:" + String(repeating: "a", count: 64), "has an invalid digest"),
        ("registry.local:70000/app", "has an invalid registry host \"registry.local:70000\""),
        ("registry.local:http/app", "has an invalid registry host"),
        ("reg_istry.local/app", "has an invalid registry host"),
        ("vision//detector", "is not a valid image reference"),
        ("vision/detector/", "is not a valid image reference"),
        ("-app", "is not a valid image reference"),
        ("a___b", "is not a valid image reference"),
        ("a..b", "is not a valid image reference"),
        ("", "required"),
        (String(repeating: "a", count: 256), "longer than 255 characters"),
    ])
    func rejects(text: String, message: String) {
        guard case .failure(let problem) = ImageReference.parse(text) else {
            Issue.record("\"\(text)\" was accepted")
            return
        }
        #expect(problem.message.contains(message), "\(problem.message)")
    }

    @Test func containerSpecExposesTheParsedReference() {
        #expect(ContainerSpec(image: "registry.local:5000/vision/detector:1.4.2").imageReference?.tag == "1.4.2")
        #expect(ContainerSpec(image: "Bad/Image").imageReference == nil)
    }
}
