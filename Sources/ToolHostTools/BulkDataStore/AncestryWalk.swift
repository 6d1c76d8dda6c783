import ToolHostCore
import ToolHostStorage

/// `get_ancestry`: the parents and children of a tool up to `depth` levels, walked level by
/// level with a visited set. A cycle in the lineage (a derived from b derived from a) ends the
/// walk on that branch and is reported in `cycles`; no edge appears twice.
enum AncestryWalk {
    enum Direction {
        case parents, children

        var knownColumn: String { self == .parents ? "child_tool_id" : "parent_tool_id" }
        var nextColumn: String { self == .parents ? "parent_tool_id" : "child_tool_id" }
    }

    /// `depth` (1...100, default 10) comes bounded by the schema.
    static func run(_ input: OperationInput, _ call: DatabaseCall) throws -> OperationAnswer {
        let toolID = try input.string("tool_id")
        let depth = try input.int("depth")
        let parents = try walk(.parents, from: toolID, depth: depth, on: call.connection)
        let children = try walk(.children, from: toolID, depth: depth, on: call.connection)
        var cycles: [JSONValue] = []
        for cycle in parents.cycles + children.cycles where !cycles.contains(cycle) { cycles.append(cycle) }
        var answer: JSONObject = [
            "data": ["tool_id": .string(toolID), "parents": .array(parents.edges), "children": .array(children.edges)],
            "count": .int(parents.edges.count + children.edges.count),
            "cycle_detected": .bool(!cycles.isEmpty),
        ]
        if !cycles.isEmpty { answer["cycles"] = .array(cycles) }
        return .fields(answer)
    }

    private static func walk(_ direction: Direction, from start: String, depth: Int,
                             on connection: any DatabaseConnection) throws(DatabaseError) -> (edges: [JSONValue], cycles: [JSONValue]) {
        var visited: Set<String> = [start]
        // How the walk first reached each tool, to tell a cycle (an edge back to a tool on the
        // path that led here) from two paths meeting (a diamond, not a cycle).
        var cameFrom: [String: String] = [:]
        var seenEdges: Set<JSONValue> = []
        var frontier = [start]
        var edges: [JSONValue] = []
        var cycles: [JSONValue] = []
        for level in 1...depth where !frontier.isEmpty {
            var rows: [JSONObject] = []
            // In chunks: a wide level must not exceed the engines' parameter limits.
            for start in stride(from: 0, to: frontier.count, by: 500) {
                var builder = SQLStatementBuilder(dialect: connection.dialect)
                let placeholders = frontier[start..<min(start + 500, frontier.count)].map { builder.bind(.text($0)) }
                let sql = """
                    SELECT id, parent_tool_id, child_tool_id, relationship_type, details, created_at
                    FROM \(builder.table(BulkSchema.ancestry))
                    WHERE \(direction.knownColumn) IN (\(placeholders.joined(separator: ", ")))
                    ORDER BY id
                    """
                rows += try connection.run(sql, builder.values).rows
            }
            var next: [String] = []
            for row in rows {
                guard let id = row["id"], seenEdges.insert(id).inserted else { continue }
                var edge = row
                edge["level"] = .int(level)
                edges.append(.object(edge))
                guard let reached = row[direction.nextColumn]?.stringValue,
                      let current = row[direction.knownColumn]?.stringValue else { continue }
                if visited.insert(reached).inserted {
                    cameFrom[reached] = current
                    next.append(reached)
                } else if isOnPath(reached, to: current, cameFrom: cameFrom) {
                    cycles.append(["from": .string(current), "to": .string(reached)])
                }
            }
            frontier = next
        }
        return (edges, cycles)
    }

    /// Whether `tool` lies on the walk's path from the start to `node`.
    private static func isOnPath(_ tool: String, to node: String, cameFrom: [String: String]) -> Bool {
        var current: String? = node
        var steps = 0
        while let step = current, steps <= cameFrom.count {
            if step == tool { return true }
            current = cameFrom[step]
            steps += 1
        }
        return false
    }
}
