import Testing
import ToolHostCore
import ToolHostStorage
import ToolHostTools

/// `toolhost export --filter column=value`: each value typed by its column, a column named
/// twice matching either value, and a clear refusal of what cannot be compared.
@Suite("export filters")
struct ExportFiltersTests {
    @Test func valuesAreTypedByTheirColumn() throws {
        let filters = try ExportFilters.parse(["success=yes", "exit_code=3", "duration_ms=1.5", "error=null", "agent_id=42"],
                                              for: .toolExecutions)
        let columns = filters.map(\.column)
        let values = filters.map(\.value)
        #expect(columns == ["success", "exit_code", "duration_ms", "error", "agent_id"])
        #expect(values == [true, 3, 1.5, .null, "42"])
    }

    @Test func aColumnNamedTwiceMatchesEitherValue() throws {
        let filters = try ExportFilters.parse(["tool_name=a", "success=true", "tool_name=b"], for: .toolExecutions)
        let values = filters.map(\.value)
        #expect(filters.map(\.column) == ["tool_name", "success"])
        #expect(values == [["a", "b"], true])
    }

    @Test func anUnknownColumnIsRefusedWithTheColumnsThereAre() {
        let error = #expect(throws: ToolHostError.self) { try ExportFilters.parse(["nope=1"], for: .events) }
        #expect(error?.code == .invalidFilter)
        let message = error?.message ?? ""
        #expect(message.contains("agent_id"))
    }

    @Test(arguments: ["exit_code=three", "success=maybe", "duration_ms=inf", "=1", "exit_code"])
    func aValueItsColumnCannotHoldIsInvalidInput(argument: String) {
        let error = #expect(throws: ToolHostError.self) { try ExportFilters.parse([argument], for: .toolExecutions) }
        #expect(error?.code == .invalidInput)
    }
}
