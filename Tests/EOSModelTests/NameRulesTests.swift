import Testing

@testable import EOSModel

@Suite("NameRules")
struct NameRulesTests {
    @Test(arguments: ["a", "vision-pipeline", "a1", "1a", "0", "a-b-c", String(repeating: "x", count: 63)])
    func acceptsDNSLabels(text: String) {
        #expect(NameRules.dnsLabelProblem(text) == nil)
    }

    @Test(arguments: [
        ("", "required"), ("-a", "is not a DNS-1123 label"), ("a-", "is not a DNS-1123 label"),
        ("Vision", "is not a DNS-1123 label"), ("a_b", "is not a DNS-1123 label"), ("a.b", "is not a DNS-1123 label"),
        ("a b", "is not a DNS-1123 label"), ("é", "is not a DNS-1123 label"),
        (String(repeating: "x", count: 64), "is longer than 63 characters"),
    ])
    func rejectsDNSLabels(text: String, message: String) throws {
        #expect(try #require(NameRules.dnsLabelProblem(text)).contains(message))
    }

    @Test func dnsSubdomains() {
        #expect(NameRules.dnsSubdomainProblem("example.com") == nil)
        #expect(NameRules.dnsSubdomainProblem("a.b-c.d") == nil)
        #expect(NameRules.dnsSubdomainProblem("kubernetes.io") == nil)
        #expect(NameRules.dnsSubdomainProblem("") == "required")
        #expect(NameRules.dnsSubdomainProblem("Example.com") != nil)
        #expect(NameRules.dnsSubdomainProblem("a..b") != nil)
        #expect(NameRules.dnsSubdomainProblem(".a") != nil)
        #expect(NameRules.dnsSubdomainProblem("a.") != nil)
        let long = Array(repeating: String(repeating: "a", count: 50), count: 5).joined(separator: ".") + ".abc"
        #expect(long.count == 258)
        #expect(NameRules.dnsSubdomainProblem(long)?.contains("longer than 253 characters") == true)
    }

    @Test(arguments: [
        "app", "tier", "app.kubernetes.io/name", "example.com/Tier_1", "eos.example.com/cost-center", "a", "A.b-c_d",
        "nvidia.com/gpu.present", String(repeating: "k", count: 63),
    ])
    func acceptsLabelKeys(text: String) {
        #expect(NameRules.labelKeyProblem(text) == nil)
    }

    @Test(arguments: [
        ("", "must not be empty"), ("a/b/c", "has more than one '/'"),
        ("Example.COM/team", "has an invalid prefix"), ("/name", "has an invalid prefix"),
        ("under_score.io/x", "has an invalid prefix"), ("example.com/", "is invalid"), ("-x", "is invalid"),
        ("x-", "is invalid"), ("a b", "is invalid"), (String(repeating: "k", count: 64), "is invalid"),
        ("example.com/" + String(repeating: "k", count: 64), "is invalid"),
    ])
    func rejectsLabelKeys(text: String, message: String) throws {
        #expect(try #require(NameRules.labelKeyProblem(text)).contains(message))
    }

    @Test(arguments: ["", "eu-west", "v1.2_3-a", "A", "7", String(repeating: "v", count: 63)])
    func acceptsLabelValues(text: String) {
        #expect(NameRules.labelValueProblem(text) == nil)
    }

    @Test(arguments: ["jane doe", "-a", "a-", ".a", "a/b", "true!", String(repeating: "v", count: 64)])
    func rejectsLabelValues(text: String) throws {
        #expect(try #require(NameRules.labelValueProblem(text)).contains("label value \"\(text)\" is invalid"))
    }

    @Test(arguments: ["LOG_LEVEL", "_X", "a1", "path", "A"])
    func acceptsEnvironmentNames(text: String) {
        #expect(NameRules.environmentNameProblem(text) == nil)
    }

    @Test(arguments: ["1A", "A-B", "A B", "A=B", "É"])
    func rejectsEnvironmentNames(text: String) throws {
        #expect(
            try #require(NameRules.environmentNameProblem(text)).contains("is not a valid environment variable name"))
    }

    @Test func rejectsAnEmptyEnvironmentName() {
        #expect(NameRules.environmentNameProblem("") == "environment variable names must not be empty")
    }
}
