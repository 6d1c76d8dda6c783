import Testing
import ToolHostTestSupport
@testable import ToolHostCore

/// Which rule of `policy:` decides a call: operation > tool > nature > default, and what a
/// person's answer changes.
@Suite("Call policy rules")
struct CallPolicyRulesTests {
    private var policy: CallPolicy {
        var policy = CallPolicy()
        policy.defaultDecision = .deny
        policy.natureDecisions = [.destructive: .confirm, .readOnly: .allow]
        policy.tools["store"] = CallPolicy.ToolRule(decision: .allow, operations: ["purge": .deny])
        return policy
    }

    private func rule(_ tool: String, _ operation: String?, _ nature: ToolNature) -> String {
        let verdict = policy.verdict(tool: tool, operation: operation, nature: nature)
        return "\(verdict.decision.rawValue) \(verdict.rule)"
    }

    @Test func theMostSpecificRuleDecides() {
        let decided = [
            rule("store", "purge", .readOnly),   // the operation's rule, whatever the nature
            rule("store", "wipe", .destructive), // the tool's rule over the nature's
            rule("other", "wipe", .destructive), // the nature's
            rule("other", "get", .readOnly),
            rule("other", "put", .write),        // no policy.write: the default
        ]
        #expect(decided == [
            "deny policy.tools.store.operations.purge",
            "allow policy.tools.store",
            "confirm policy.destructive",
            "allow policy.read_only",
            "deny policy.default",
        ])
    }

    @Test func withoutAnyRuleEverythingIsAllowed() {
        let verdicts = ToolNature.allCases.map { CallPolicy().verdict(tool: "t", operation: nil, nature: $0).decision }
        #expect(verdicts == [.allow, .allow, .allow])
    }

    @Test func onlyAConfirmationOfTheSameRuleLetsAConfirmCallRun() {
        let verdict = policy.verdict(tool: "other", operation: "wipe", nature: .destructive)
        let confirmed = verdict.outcome(given: CallConfirmation(rule: "policy.destructive", answer: .confirmed))
        #expect(confirmed.refusal == nil)
        #expect(confirmed.json == ["decision": "confirm", "rule": "policy.destructive", "nature": "destructive", "confirmed": true])
        let otherRule = verdict.outcome(given: CallConfirmation(rule: "policy.default", answer: .confirmed))
        #expect(otherRule.refusal?.code == .confirmationRequired)
        let declined = verdict.outcome(given: CallConfirmation(rule: "policy.destructive", answer: .declined))
        let sentence = declined.refusal?.message ?? ""
        #expect(sentence == "The call of 'other' wipe needs a person's confirmation (policy.destructive), and the person asked declined it: it did not run.")
        #expect(declined.json["answer"] == "declined" && declined.json["confirmed"] == false)
        let unasked = verdict.outcome(given: nil).refusal?.message ?? ""
        #expect(unasked.contains("no one could be asked"), "\(unasked)")
    }

    @Test func denyCannotBeConfirmedAway() {
        let verdict = policy.verdict(tool: "store", operation: "purge", nature: .write)
        let outcome = verdict.outcome(given: CallConfirmation(rule: verdict.rule, answer: .confirmed))
        let refusal = outcome.refusal
        #expect(refusal?.code == .deniedByPolicy && refusal?.message == "The call of 'store' purge is denied by policy.tools.store.operations.purge.")
    }

    @Test func natureDefaultsAreReadFromTheConfig() throws {
        let directory = TemporaryDirectory()
        directory.write("toolhost.yaml", "toolhost: 1\npolicy: {default: allow, destructive: confirm, write: ask}\n")
        let wrong = #expect(throws: ToolHostError.self) {
            try ConfigLoader.load(environment: ["HOME": directory.url("home")], currentDirectory: directory.path)
        }
        let message = wrong?.message ?? ""
        #expect(message.contains("policy.write must be allow, deny or confirm"), "\(message)")
        directory.write("toolhost.yaml", "toolhost: 1\npolicy: {destructive: confirm, read_only: allow}\n")
        let config = try ConfigLoader.load(environment: ["HOME": directory.url("home")], currentDirectory: directory.path)
        #expect(config.policy.natureDecisions == [.destructive: .confirm, .readOnly: .allow])
        #expect(config.policy.defaultDecision == .allow)
    }
}
