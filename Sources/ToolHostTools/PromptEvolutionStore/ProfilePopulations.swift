import ToolHostCore
import ToolHostStorage

/// Populations: candidate profiles of a corpus and task ranked by fitness, one generation
/// after another.
struct ProfilePopulations {
    let connection: any DatabaseConnection
    let tool: String

    private var dialect: SQLDialect { connection.dialect }
    private var table: String { SQLStatementBuilder(dialect: dialect).table(PromptEvolutionSchema.populations) }

    /// Adds a profile to a generation (default: the newest one, 0 for a new population; the
    /// schema bounds it to 0...lastGeneration).
    func add(_ input: OperationInput) throws -> OperationAnswer {
        let (corpus, task) = try input.corpusAndTask()
        let profile = try input.profileID("profile_id")
        let fitness = try input.finiteNumber("fitness_score")
        let generation = try input.optionalInt("generation")
        try connection.lockCorpusTask(corpus, task)
        try requireProfiles([profile])
        var target = generation ?? 0
        if generation == nil, let newest = try newestGeneration(corpus: corpus, task: task) { target = newest }
        let id = try insert(corpus: corpus, task: task, members: [(profile, fitness)], generation: target).first ?? .null
        return .fields(["id": id, "generation": .int(target)])
    }

    /// The fittest `limit` (10) of a generation (default: the newest), with their profiles.
    func population(_ input: OperationInput) throws -> OperationAnswer {
        let (corpus, task) = try input.corpusAndTask()
        let limit = try input.int("limit")
        var builder = SQLStatementBuilder(dialect: dialect)
        let corpusValue = builder.bind(.text(corpus))
        let taskValue = builder.bind(.text(task))
        let generation: String
        if let requested = try input.optionalInt("generation") {
            generation = builder.bind(.integer(Int64(requested)))
        } else {
            generation = "(SELECT max(generation) FROM \(table) WHERE corpus_id = \(corpusValue) AND task_type = \(taskValue))"
        }
        let profiles = builder.table(PromptEvolutionSchema.profiles)
        let sql = """
            SELECT m.id, m.profile_id, m.fitness_score, m.generation, m.created_at, p.version, p.profile
            FROM \(table) m JOIN \(profiles) p ON p.id = m.profile_id
            WHERE m.corpus_id = \(corpusValue) AND m.task_type = \(taskValue) AND m.generation = \(generation)
            ORDER BY m.fitness_score DESC, m.id LIMIT \(limit)
            """
        return try ExplainableQuery(sql: sql, values: builder.values).answer(input, on: connection, key: "members") { rows in
            ["generation": rows.first?["generation"] ?? .null]
        }
    }

    /// Replaces the population by a new ranked set: the members become the next generation,
    /// in the operation's transaction; the earlier generations stay unless `keep_previous` is
    /// false. (`members` holds at least one: the schema says so.)
    func advance(_ input: OperationInput) throws -> OperationAnswer {
        let (corpus, task) = try input.corpusAndTask()
        let keepPrevious = try input.optionalBool("keep_previous") ?? true
        let members = try Self.members(try input.array("members"), tool: tool)
        try connection.lockCorpusTask(corpus, task)
        try requireProfiles(Set(members.map(\.profile)))
        let previous = try newestGeneration(corpus: corpus, task: task)
        if let previous, previous >= Self.lastGeneration {
            throw ToolHostError(.invalidInput, "Generation \(previous) is the last one this store can number; nothing was written.")
        }
        let generation = previous.map { $0 + 1 } ?? 0
        let ranked = members.sorted { $0.fitness > $1.fitness }
        let ids = try insert(corpus: corpus, task: task, members: ranked, generation: generation)
        var removed = 0
        if !keepPrevious {
            var builder = SQLStatementBuilder(dialect: dialect)
            let sql = "DELETE FROM \(table) WHERE corpus_id = \(builder.bind(.text(corpus))) AND task_type = \(builder.bind(.text(task))) "
                + "AND generation < \(builder.bind(.integer(Int64(generation))))"
            removed = try connection.run(sql, builder.values).rowsAffected
        }
        return .fields(["generation": .int(generation), "previous_generation": previous.map { .int($0) } ?? .null,
                        "count": .int(ids.count), "removed": .int(removed)])
    }

    /// The `{profile_id, fitness_score}` members, or every problem with them (paths under
    /// `/members/n`).
    private static func members(_ values: [JSONValue], tool: String) throws(ToolHostError) -> [(profile: String, fitness: Double)] {
        var members: [(profile: String, fitness: Double)] = []
        var violations: [Violation] = []
        for (position, value) in values.enumerated() {
            guard let object = value.objectValue else {
                violations.append(Violation(path: "/members/\(position)", message: "must be an object {profile_id, fitness_score}"))
                continue
            }
            let member = OperationInput(object, tool: tool)
            do throws(ToolHostError) {
                members.append((try member.profileID("profile_id"), try member.finiteNumber("fitness_score")))
            } catch {
                violations += (error.details["violations"]?.arrayValue ?? []).map { violation in
                    Violation(path: "/members/\(position)" + (violation["path"]?.stringValue ?? ""), message: violation["message"]?.stringValue ?? error.message)
                }
            }
        }
        guard violations.isEmpty else { throw ToolHostError.invalidInput(violations, tool: tool) }
        return members
    }

    /// Generations are INTEGER columns: 32 bits on PostgreSQL.
    static let lastGeneration = Int(Int32.max)

    private func newestGeneration(corpus: String, task: String) throws(DatabaseError) -> Int? {
        var builder = SQLStatementBuilder(dialect: dialect)
        let sql = "SELECT max(generation) AS g FROM \(table) WHERE corpus_id = \(builder.bind(.text(corpus))) AND task_type = \(builder.bind(.text(task)))"
        return try connection.run(sql, builder.values).rows.first?["g"]?.integerValue
    }

    private func requireProfiles(_ ids: Set<String>) throws {
        let missing = try PromptProfiles(connection: connection).missing(ids)
        guard missing.isEmpty else {
            throw ToolHostError(.notFound, "No profile with id \(missing.joined(separator: ", ")); nothing was written.",
                                details: ["missing_profile_ids": .array(missing.map { .string($0) })])
        }
    }

    private func insert(corpus: String, task: String, members: [(profile: String, fitness: Double)], generation: Int) throws(DatabaseError) -> [JSONValue] {
        var ids: [JSONValue] = []
        let now = Timestamp.now()
        for start in stride(from: 0, to: members.count, by: 500) {
            var builder = SQLStatementBuilder(dialect: dialect)
            let rows = members[start..<min(start + 500, members.count)].map { member in
                "(\(builder.bind(.text(corpus))), \(builder.bind(.text(task))), \(builder.bind(.text(member.profile))), "
                    + "\(builder.bind(.double(member.fitness))), \(builder.bind(.integer(Int64(generation)))), \(builder.bind(builder.timestampValue(now))))"
            }
            let sql = "INSERT INTO \(table) (corpus_id, task_type, profile_id, fitness_score, generation, created_at) VALUES "
                + rows.joined(separator: ", ") + " RETURNING id"
            ids += try connection.run(sql, builder.values).rows.map { $0["id"] ?? .null }
        }
        return ids
    }
}
