import Testing
@testable import ToolHostCore

/// The `{{...}}` mapping between workflow steps and the truthiness of a `condition`, on values
/// (the binary's behaviour is in WorkflowToolTests).
@Suite("Workflow placeholders and conditions")
struct WorkflowTemplateTests {
    let scope: JSONObject = [
        "input": ["text": "hello", "count": 3],
        "steps": ["split": ["status": "ok", "output": ["chunks": ["a", "b"], "meta": ["n": 2]]]],
    ]

    @Test func aWholePlaceholderKeepsTheValueAndItsType() throws {
        let chunks = try WorkflowTemplate.resolve("{{ steps.split.output.chunks }}", in: scope)
        #expect(chunks == ["a", "b"])
        let count = try WorkflowTemplate.resolve("{{input.count}}", in: scope)
        #expect(count == 3)
        let second = try WorkflowTemplate.resolve("{{steps.split.output.chunks.1}}", in: scope)
        #expect(second == "b")
    }

    @Test func aPlaceholderInsideTextIsWrittenIntoIt() throws {
        let text = try WorkflowTemplate.resolve("{{input.text}} x{{input.count}} {{steps.split.output.meta}}", in: scope)
        #expect(text == #"hello x3 {"n":2}"#)
        let nested = try WorkflowTemplate.resolve(["list": ["{{input.text}}", 1], "plain": "no {{ braces"], in: scope)
        #expect(nested == ["list": ["hello", 1], "plain": "no {{ braces"])
    }

    @Test func aPathThatLeadsNowhereSaysWhere() {
        for (template, path, reason) in [
            ("{{steps.split.output.missing}}", "steps.split.output.missing", "there is no 'missing' in 'steps.split.output' (an object)"),
            ("{{steps.split.output.chunks.5}}", "steps.split.output.chunks.5", "there is no '5' in 'steps.split.output.chunks' (an array)"),
            ("{{other.x}}", "other.x", "a placeholder starts with 'input.' or 'steps.'"),
        ] {
            do {
                _ = try WorkflowTemplate.resolve(.string("see " + template), in: scope)
                Issue.record("\(template) resolved")
            } catch {
                #expect(error.path == path)
                #expect(error.reason == reason, "\(error.reason)")
            }
        }
    }

    @Test func conditionsAreTruthyAsInPython() {
        let falsy: [JSONValue] = [.null, false, 0, 0.0, "", [], [:]]
        let truthy: [JSONValue] = [true, 1, -0.5, "0", "false", [.null], ["a": .null]]
        #expect(falsy.allSatisfy { !$0.isTruthy })
        #expect(truthy.allSatisfy { $0.isTruthy })
    }

    @Test func theSpecReadsStepsAndRefusesWhatCannotRun() {
        let good = WorkflowSpec.decode(["workflow": ["timeout": 5, "steps": [["name": "a", "tool": "x"], ["tool": "y", "pass_input": false]]]])
        #expect(good.spec?.steps.map(\.name) == ["a", "y"])  // a step without a name is called by its tool
        #expect(good.spec?.steps.last?.passesInput == false)
        #expect(good.spec?.timeoutSeconds == 5)
        let duplicate = WorkflowSpec.decode(["workflow": ["steps": [["name": "a", "tool": "x"], ["name": "a", "tool": "y"]]]])
        #expect(duplicate.spec == nil)
        #expect(duplicate.diagnostics.map(\.pointer) == ["/workflow/steps/1/name"])
        let empty = WorkflowSpec.decode(["workflow": ["steps": []]])
        #expect(empty.spec == nil && empty.diagnostics.first?.pointer == "/workflow/steps")
    }
}
