/// Words that name the same action or thing in tool descriptions and in the needs agents
/// state ("remove" a file the description says it "deletes"), so that text matching finds a
/// tool described in other words. A query word also matches the other words of its groups,
/// at `SearchSynonyms.weight` of its own weight, as one term with them (`TextRanking.rank`).
///
/// The groups are general English of software tools (verbs of CRUD and transformation, common
/// nouns and abbreviations), written once and not fitted to any catalogue or labelled need: a
/// group belongs here only when the words are interchangeable in almost any tool description.
enum SearchSynonyms {
    /// How much a synonym counts against the word itself.
    static let weight = 0.5

    static let groups: [[String]] = [
        // Actions on data.
        ["delete", "remove", "erase", "drop", "purge", "discard"],
        ["fetch", "download", "retrieve", "pull"],
        ["upload", "push", "publish"],
        ["create", "generate", "produce", "new", "build"],
        ["find", "search", "lookup", "locate", "look", "query", "seek"],
        ["list", "enumerate", "show", "browse"],
        ["read", "load", "open"],
        ["write", "save", "store", "persist", "record", "keep"],
        ["update", "modify", "change", "edit", "alter"],
        ["convert", "transform", "turn", "translate"],
        ["count", "tally", "number"],
        ["compute", "calculate", "work", "figure", "evaluate"],
        ["send", "deliver", "post", "dispatch", "notify"],
        ["check", "verify", "validate", "test", "inspect"],
        ["extract", "pull", "grab", "scrape", "harvest"],
        ["compress", "zip", "shrink", "pack", "archive"],
        ["decompress", "unzip", "unpack", "extract", "inflate"],
        ["combine", "merge", "join", "concatenate", "union"],
        ["split", "divide", "chunk", "separate", "break"],
        ["sort", "order", "rank", "arrange"],
        ["filter", "select", "subset", "keep"],
        ["summarize", "summary", "condense", "digest", "abstract", "tldr", "recap"],
        ["resize", "scale", "shrink", "enlarge"],
        ["rename", "move", "relocate"],
        ["copy", "duplicate", "clone"],
        ["replace", "substitute", "swap"],
        ["format", "prettify", "beautify", "indent", "pretty"],
        ["parse", "decode", "interpret"],
        ["encode", "serialize", "escape"],
        ["encrypt", "encipher", "seal"],
        ["decrypt", "decipher", "unseal"],
        ["schedule", "plan", "book", "reserve"],
        ["cancel", "abort", "stop", "kill", "terminate"],
        ["start", "launch", "run", "execute", "invoke", "begin"],
        ["monitor", "watch", "track", "observe"],
        ["compare", "diff", "difference", "contrast"],
        ["detect", "identify", "recognize", "spot", "discover"],
        ["clean", "sanitize", "scrub", "tidy", "normalize"],
        ["predict", "forecast", "estimate", "project"],
        ["measure", "size", "length", "count"],
        ["similar", "related", "alike", "like", "nearest"],
        // Things.
        ["image", "picture", "photo", "photograph", "img", "screenshot"],
        ["audio", "sound", "voice", "speech"],
        ["video", "movie", "clip", "footage"],
        ["text", "string", "prose", "wording"],
        ["document", "doc", "file", "paper"],
        ["folder", "directory", "dir"],
        ["webpage", "page", "website", "site", "url", "link", "web"],
        ["email", "mail", "inbox", "message"],
        ["message", "chat", "text", "sms"],
        ["spreadsheet", "csv", "excel", "xlsx", "sheet", "table"],
        ["database", "db", "sql", "table"],
        ["key", "secret", "credential", "password", "token"],
        ["error", "failure", "fault", "bug", "exception", "problem"],
        ["log", "logs", "journal", "trace"],
        ["number", "numeric", "figure", "value", "digit"],
        ["average", "mean", "median"],
        ["time", "clock", "hour"],
        ["date", "day", "calendar"],
        ["weather", "forecast", "temperature", "climate"],
        ["money", "currency", "price", "cost", "exchange"],
        ["location", "place", "address", "coordinate", "geo", "position"],
        ["map", "route", "direction", "distance"],
        ["duplicate", "repeat", "dupe", "copy"],
        ["word", "term", "token"],
        ["language", "lang", "locale"],
        ["code", "source", "program", "script"],
        ["function", "method", "routine"],
        ["dependency", "package", "library", "module"],
        ["user", "person", "account", "member", "customer"],
        ["job", "task", "work"],
        ["size", "bytes", "space", "usage"],
        ["random", "shuffle", "arbitrary"],
        ["id", "identifier", "uuid"],
        ["big", "large", "huge", "long"],
        ["small", "short", "tiny", "brief"],
        ["fast", "quick", "speed", "performance", "latency"],
        ["old", "stale", "previous", "earlier", "history", "past"],
        ["recent", "latest", "new", "newest", "last"],
    ]

    /// For each stem, the stems it is a synonym of (without itself).
    static let byStem: [String: Set<String>] = {
        var table: [String: Set<String>] = [:]
        for group in groups {
            let stems = Set(group.map(SearchTerms.stem))
            for stem in stems { table[stem, default: []].formUnion(stems.subtracting([stem])) }
        }
        return table
    }()

    /// A query stem as a term: itself (weight 1) and its synonyms (`weight`).
    static func group(of stem: String) -> [String: Double] {
        var group: [String: Double] = [stem: 1]
        for synonym in byStem[stem] ?? [] { group[synonym] = weight }
        return group
    }
}
